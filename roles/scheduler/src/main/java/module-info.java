/**
 * The scheduler role's composition root: every tick, take or renew the leader lease and enqueue
 * the periodic jobs that are due. Never executes a job.
 */
module switchboard.roles.scheduler {
    requires switchboard.roles.common;
    requires switchboard.domain;
    requires switchboard.adapters.redis;

    exports dev.switchboard.roles.scheduler;
}
