package dev.switchboard.roles.scheduler;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisLeaseLock;
import dev.switchboard.adapters.redis.RedisSchedulerTicks;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.domain.PeriodicScheduler;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;
import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Clock;
import java.util.List;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The scheduler role. Duties:
 * <ul>
 *   <li>read its settings ({@link SchedulerSettings}) and wire the scheduler's ports on Redis:
 *       the leader lease, the tick record and the job queue;</li>
 *   <li>run the {@link SchedulerLoop}: every {@code SCHEDULER_TICK} one cycle, as leader (enqueue
 *       the periodic jobs that are due) or as standby (wait for the lease);</li>
 *   <li>on SIGTERM, stop ticking, then step down (compare-and-delete the lease) so a standby
 *       takes over at its next tick rather than after the lease expires, then close Redis.</li>
 * </ul>
 * Never: executes a job. Starts exactly two threads, the loop and the shutdown hook.
 */
public final class SchedulerRole implements AutoCloseable {
    /** A cycle in flight may wait on Redis for up to its command timeout (5 s). */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final RedisConnections redis;
    private final PeriodicScheduler scheduler;
    private final SchedulerLoop loop;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SchedulerRole(RedisConnections redis, PeriodicScheduler scheduler, SchedulerLoop loop) {
        this.redis = redis;
        this.scheduler = scheduler;
        this.loop = loop;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.SCHEDULER, SchedulerRole::startUntilShutdown);
    }

    /** Starts, and steps down cleanly when the JVM is asked to exit (SIGTERM, SIGINT). */
    public static SchedulerRole startUntilShutdown(RoleConfig config) {
        SchedulerRole scheduler = start(config);
        RoleThreads.onShutdown("sb-scheduler-shutdown", scheduler::close);
        return scheduler;
    }

    /** Starts with the scheduler settings of this process's environment. */
    public static SchedulerRole start(RoleConfig config) {
        return start(config, SchedulerSettings.fromEnvironment(System.getenv()));
    }

    public static SchedulerRole start(RoleConfig config, SchedulerSettings settings) {
        RedisConnections redis = RedisConnections.connect(config.redisUrl(),
                new RedisConnections.ReplicationWait(config.redisWait().replicas(), config.redisWait().timeout()));
        String owner = ownerId();
        if (settings.timeScale() != 1) {
            log().warning("SCHEDULER_TIME_SCALE=" + settings.timeScale() + ": the schedule runs " + settings.timeScale()
                    + " times faster than real time; for development and testing only");
        }
        PeriodicScheduler scheduler = new PeriodicScheduler(
                new PeriodicScheduler.Config(owner, settings.leaseTtl(), settings.catchUp(),
                        PeriodicJobs.runnable(settings.zone())),
                settings.scheduleClock(Clock.systemUTC()),
                RedisLeaseLock.scheduler(redis),
                new RedisSchedulerTicks(redis),
                jobQueue(redis, config),
                new SchedulerLog(owner));
        SchedulerLoop loop = new SchedulerLoop(scheduler, settings.tick());
        log().info("scheduler " + owner + " starting: " + settings);
        loop.start();
        return new SchedulerRole(redis, scheduler, loop);
    }

    /** Jobs carry real timestamps even when the schedule's clock is scaled. */
    private static JobQueue jobQueue(RedisConnections redis, RoleConfig config) {
        return new RedisJobQueue(redis, Clock.systemUTC(), config.jobIdSecret());
    }

    /** Unique per process start (a pid alone repeats across containers), readable in the lease. */
    private static String ownerId() {
        String host = dev.switchboard.roles.common.HostNames.current();
        return host + "." + ProcessHandle.current().pid() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This process's lease owner id, the value of {@code scheduler:global_lock} while it leads. */
    public String owner() {
        return scheduler.owner();
    }

    /**
     * Not a static field: this is a main class, and java.util.logging must not be touched before
     * {@link RoleLauncher} installs its shutdown-safe log manager, or the lines logged while the
     * role stops (lease released) would be lost.
     */
    private static Logger log() {
        return Logger.getLogger(SchedulerRole.class.getName());
    }

    /** Stops ticking, gives the lease up if this process holds it, and closes Redis. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!loop.stop(STOP_TIMEOUT)) {
            log().warning("the scheduler cycle did not finish within " + STOP_TIMEOUT.toSeconds() + " s; stepping down anyway");
        }
        try {
            if (scheduler.stepDown()) {
                log().info("scheduler " + owner() + " stopped and released the lease");
            } else {
                log().info("scheduler " + owner() + " stopped (it did not hold the lease)");
            }
        } catch (RuntimeException e) {
            log().warning("could not release the lease (it will expire): " + e.getMessage());
        } finally {
            redis.close();
        }
    }
}
