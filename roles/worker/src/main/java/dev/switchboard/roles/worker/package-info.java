/**
 * The worker role: {@link dev.switchboard.roles.worker.WorkerRole} and its
 * {@link dev.switchboard.roles.worker.JobRunner}.
 */
package dev.switchboard.roles.worker;
