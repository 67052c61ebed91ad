package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.VapidKeyStore;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

/** {@link VapidKeyStoreContract} on a real Redis, each store on its own connection (as processes are). */
class RedisVapidKeyStoreContractTest extends VapidKeyStoreContract {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private final List<RedisConnections> connections = new ArrayList<>();

    @Override
    VapidKeyStore store() {
        RedisConnections c = RedisConnections.connect(redis.url());
        connections.add(c);
        return new RedisVapidKeyStore(c);
    }

    @AfterEach
    void close() {
        connections.forEach(RedisConnections::close);
    }
}
