/**
 * {@link dev.switchboard.roles.runtime.RoleThreads}: the thread helper of the worker, scheduler
 * and calls roles.
 */
package dev.switchboard.roles.runtime;
