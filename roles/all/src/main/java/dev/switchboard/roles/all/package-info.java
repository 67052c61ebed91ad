/**
 * The launcher, {@link dev.switchboard.roles.all.Switchboard}.
 */
package dev.switchboard.roles.all;
