/**
 * The scheduler role's composition root: every tick, take or renew the leader lease and enqueue
 * the periodic jobs that are due, each occurrence exactly once (docs/scheduler.md). Never executes
 * a job. One of the few places allowed to start threads (its loop and its shutdown hook).
 */
module switchboard.roles.scheduler {
    requires switchboard.roles.common;
    requires switchboard.roles.runtime;
    requires switchboard.domain;
    requires switchboard.adapters.redis;

    exports dev.switchboard.roles.scheduler;
}
