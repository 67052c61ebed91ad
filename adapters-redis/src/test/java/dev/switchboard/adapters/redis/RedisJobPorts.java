package dev.switchboard.adapters.redis;

import dev.switchboard.ports.JobAdministration;
import dev.switchboard.ports.JobClaims;
import dev.switchboard.ports.JobInspection;
import dev.switchboard.ports.JobMaintenance;
import dev.switchboard.ports.JobQueue;
import dev.switchboard.testsupport.RedisFixture;

import java.time.Clock;

/** The Redis implementations of the job ports, on a fixture's Redis. */
final class RedisJobPorts implements JobPortsFixture, AutoCloseable {
    private final RedisConnections connections;
    private final Clock clock = Clock.systemUTC();

    RedisJobPorts(RedisFixture redis) {
        connections = RedisConnections.connect(redis.url());
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

    @Override
    public void close() {
        connections.close();
    }
}
