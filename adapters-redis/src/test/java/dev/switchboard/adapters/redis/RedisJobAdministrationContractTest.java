package dev.switchboard.adapters.redis;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JobAdministrationContract} against the Redis adapter on a real Redis. */
class RedisJobAdministrationContractTest extends JobAdministrationContract {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    final RedisJobPorts ports = new RedisJobPorts(redis);

    @Override
    JobPortsFixture ports() {
        return ports;
    }
}
