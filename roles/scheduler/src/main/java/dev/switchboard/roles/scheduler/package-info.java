/**
 * The scheduler role: {@link dev.switchboard.roles.scheduler.SchedulerRole}.
 */
package dev.switchboard.roles.scheduler;
