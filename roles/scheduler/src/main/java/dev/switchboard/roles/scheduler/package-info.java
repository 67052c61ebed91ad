/**
 * The scheduler role: {@link dev.switchboard.roles.scheduler.SchedulerRole}, its settings
 * ({@link dev.switchboard.roles.scheduler.SchedulerSettings}) and its loop.
 */
package dev.switchboard.roles.scheduler;
