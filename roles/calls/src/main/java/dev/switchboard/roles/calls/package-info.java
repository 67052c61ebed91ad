/**
 * The calls role: {@link dev.switchboard.roles.calls.CallsRole}.
 */
package dev.switchboard.roles.calls;
