package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobMaintenance;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Clock;

/**
 * The Redis implementations of the job ports, on a fixture's Redis, connected for each test:
 * {@code @RegisterExtension final RedisJobPorts ports = new RedisJobPorts(redis);}.
 */
final class RedisJobPorts implements JobPortsFixture, BeforeEachCallback, AfterEachCallback {
    private final RedisFixture redis;
    private final Clock clock = Clock.systemUTC();
    private RedisConnections connections;

    RedisJobPorts(RedisFixture redis) {
        this.redis = redis;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        connections = RedisConnections.connect(redis.url());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        connections.close();
    }

    @Override
    public JobQueue queue() {
        return new RedisJobQueue(connections, clock);
    }

    @Override
    public JobClaims claims() {
        return new RedisJobClaims(connections, clock);
    }

    @Override
    public JobMaintenance maintenance() {
        return new RedisJobMaintenance(connections, clock);
    }

    @Override
    public JobInspection inspection() {
        return new RedisJobInspection(connections, clock);
    }

    @Override
    public JobAdministration administration() {
        return new RedisJobAdministration(connections, clock);
    }
}
