package dev.switchboard.adapters.redis;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisJobAdministrationContractTest extends JobAdministrationContract {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private RedisJobPorts ports;

    @BeforeEach
    void connect() {
        ports = new RedisJobPorts(redis);
    }

    @AfterEach
    void close() {
        ports.close();
    }

    @Override
    JobPortsFixture ports() {
        return ports;
    }
}
