/**
 * Use cases ({@code *Service}), job handlers ({@code *Job}) and the policies they follow.
 */
package dev.switchboard.domain;
