package dev.switchboard.adapters.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.VapidKeyStore;
import io.lettuce.core.ScriptOutputType;

import java.io.IOException;
import java.util.Optional;

/**
 * {@link VapidKeyStore} in one Redis key, {@code switchboard:vapid_keys}, written once with SET NX
 * ({@code keepFirst-1.lua}) so concurrent first starts agree. The private key is stored in clear:
 * whoever can read Redis can read the job queue too; pin the pair in the environment to keep it
 * out of Redis.
 */
public final class RedisVapidKeyStore implements VapidKeyStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisConnections redis;

    public RedisVapidKeyStore(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public Optional<VapidKeyPair> kept() {
        byte[] value = RedisFailures.guard("read the VAPID keys", () -> redis.commands().get(RedisKeys.vapidKeys()));
        return value == null ? Optional.empty() : Optional.of(parse(value));
    }

    @Override
    public VapidKeyPair keepFirst(VapidKeyPair candidate) {
        byte[] json = RqFormat.utf8(JSON.createObjectNode().put("public", candidate.publicKey())
                .put("private", candidate.privateKey()).toString());
        byte[] kept = RedisFailures.guard("keep the VAPID keys", () -> redis.scripts().run("keepFirst-1",
                ScriptOutputType.VALUE, new String[] {RedisKeys.vapidKeys()}, json));
        return parse(kept);
    }

    private static VapidKeyPair parse(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new VapidKeyPair(node.path("public").asText(), node.path("private").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(RedisKeys.vapidKeys() + " does not hold a VAPID key pair: "
                    + e.getClass().getSimpleName() + "; delete it only if no browser subscribed with it");
        }
    }
}
