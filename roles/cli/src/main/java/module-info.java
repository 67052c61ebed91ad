/**
 * The operator's commands, {@code ./switchboard jobs ...}: queues, workers and the scheduler at a
 * glance, and enqueue, requeue and cancel, through the ports the roles use (JobInspection,
 * JobAdministration, JobQueue, WorkerRegistry, SchedulerStatus) on the Redis adapter. A job is
 * enqueued only from its job type in the catalogue, so an unknown job or a malformed argument is
 * refused before anything is written. Starts no threads and needs no database: a module of its
 * own, so that every role's image can carry it.
 */
module switchboard.roles.cli {
    requires switchboard.domain;
    requires switchboard.adapters.redis;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    exports dev.switchboard.roles.cli;
    opens dev.switchboard.roles.cli to info.picocli;
}
