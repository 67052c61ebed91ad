package dev.switchboard.roles.scheduler;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The scheduler role. Duties: hold the process as the periodic-job scheduler. Never: execute a job.
 *
 * <p>Not built yet: the leased tick loop and the periodic job table (issue "Scheduler role").
 * Until then this role connects to Redis, says so in its log, and waits for SIGTERM.
 */
public final class SchedulerRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SchedulerRole.class.getName());

    private final RedisConnections redis;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private SchedulerRole(RedisConnections redis) {
        this.redis = redis;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.SCHEDULER, SchedulerRole::startUntilShutdown);
    }

    public static SchedulerRole startUntilShutdown(RoleConfig config) {
        SchedulerRole scheduler = start(config);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sb-scheduler-shutdown")
                .unstarted(scheduler::close));
        Thread.ofPlatform().name("sb-scheduler").start(scheduler::awaitStop);
        return scheduler;
    }

    public static SchedulerRole start(RoleConfig config) {
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        LOG.warning("scheduler role: the periodic job loop is not built yet; no periodic jobs are enqueued");
        return new SchedulerRole(redis);
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        redis.close();
    }
}
