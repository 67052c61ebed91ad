package dev.switchboard.adapters.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.out.PromptCache;
import dev.switchboard.ports.out.VoicePrompt;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * {@link PromptCache} as one JSON string per prompt ({@link RedisKeys#prompt}) written with
 * {@code SET ... PX}, so entries run out on Redis's clock. A lookup reads the call's and the
 * business's entry with one {@code MGET} and waits for it no longer than the caller allows (the
 * connection rejects commands at once while Redis is unreachable, so an outage costs no wait).
 * An entry that is not what this adapter writes, or names another business, counts as absent.
 */
public final class RedisPromptCache implements PromptCache {
    private static final Logger LOG = Logger.getLogger(RedisPromptCache.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisConnections redis;

    public RedisPromptCache(RedisConnections redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    @Override
    public void putForBusiness(VoicePrompt prompt, Duration ttl) {
        put(RedisKeys.prompt(prompt.businessId(), RedisKeys.PROMPT_OF_BUSINESS), prompt, ttl);
    }

    @Override
    public void putForCall(String callSid, VoicePrompt prompt, Duration ttl) {
        Objects.requireNonNull(callSid, "callSid");
        put(RedisKeys.prompt(prompt.businessId(), RedisKeys.promptOfCall(callSid)), prompt, ttl);
    }

    private void put(String key, VoicePrompt prompt, Duration ttl) {
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least a millisecond");
        }
        byte[] value = encode(prompt);
        RedisFailures.guard("cache a voice prompt", () -> redis.commands().set(key, value, SetArgs.Builder.px(ttl.toMillis())));
    }

    @Override
    public Lookup lookup(String businessId, String callSid, Duration wait) {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(callSid, "callSid");
        String callKey = RedisKeys.prompt(businessId, RedisKeys.promptOfCall(callSid));
        String businessKey = RedisKeys.prompt(businessId, RedisKeys.PROMPT_OF_BUSINESS);
        List<KeyValue<String, byte[]>> values = RedisFailures.guard("read voice prompts", () -> {
            try {
                return redis.asyncCommands().mget(callKey, businessKey).get(Math.max(1, wait.toMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.lettuce.core.RedisCommandInterruptedException(e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause());
            } catch (TimeoutException e) {
                throw new io.lettuce.core.RedisCommandTimeoutException("no answer within " + wait.toMillis() + " ms");
            }
        });
        return new Lookup(decode(values.get(0), businessId), decode(values.get(1), businessId));
    }

    static byte[] encode(VoicePrompt p) {
        ObjectNode json = JSON.createObjectNode()
                .put("business_id", p.businessId())
                .put("business_name", p.businessName())
                .put("version", p.version())
                .put("system_prompt", p.systemPrompt());
        p.agentPrompt().ifPresent(v -> json.put("agent_prompt", v));
        p.leadId().ifPresent(v -> json.put("lead_id", v));
        p.leadName().ifPresent(v -> json.put("lead_name", v));
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<VoicePrompt> decode(KeyValue<String, byte[]> value, String businessId) {
        if (!value.hasValue()) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(value.getValue());
            VoicePrompt prompt = new VoicePrompt(json.path("business_id").asText(), json.path("business_name").asText(),
                    text(json, "agent_prompt"), text(json, "lead_id"), text(json, "lead_name"),
                    json.path("system_prompt").asText(), json.path("version").asText());
            if (!prompt.businessId().equals(businessId)) {
                LOG.warning(value.getKey() + " holds a prompt of another business: ignored");
                return Optional.empty();
            }
            return Optional.of(prompt);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning(value.getKey() + " holds no voice prompt this version can read: ignored ("
                    + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || !node.isTextual() ? Optional.empty() : Optional.of(node.asText());
    }
}
