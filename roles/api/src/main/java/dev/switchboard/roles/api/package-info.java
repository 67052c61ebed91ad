/**
 * The api role: {@link dev.switchboard.roles.api.ApiRole}.
 */
package dev.switchboard.roles.api;
