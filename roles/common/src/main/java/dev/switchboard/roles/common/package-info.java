/**
 * Role names, configuration and logging shared by the composition roots.
 */
package dev.switchboard.roles.common;
