package dev.switchboard.adapters.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.out.ConversationEntry;
import dev.switchboard.ports.out.ConversationHistory;
import io.lettuce.core.ScriptOutputType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ConversationHistory} on Redis: per business and contact, a sorted set of message ids by
 * time and a hash of the entries. Recording is one script, so it is idempotent and atomic.
 */
public final class RedisConversationHistory implements ConversationHistory {
    private final RedisConnections redis;
    private final RedisScripts scripts;
    private final Clock clock;

    public RedisConversationHistory(RedisConnections redis, Clock clock) {
        this.redis = redis;
        this.scripts = redis.scripts();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean record(ConversationEntry entry) {
        Instant at = entry.sentAt().orElseGet(clock::instant);
        byte[] json = toJson(entry);
        Long code = RedisFailures.guard("record conversation", () -> scripts.run("recordConversation-2",
                ScriptOutputType.INTEGER,
                new String[] {RedisKeys.conversation(entry.businessId(), entry.contact()),
                        RedisKeys.conversationMessages(entry.businessId(), entry.contact())},
                RqFormat.utf8(entry.messageId()), RqFormat.utf8(Long.toString(at.getEpochSecond())), json));
        return code != null && code == 1L;
    }

    @Override
    public List<ConversationEntry> history(String businessId, String contact) {
        return RedisFailures.guard("read conversation", () -> {
            List<byte[]> ids = redis.commands().zrange(RedisKeys.conversation(businessId, contact), 0, -1);
            List<ConversationEntry> entries = new ArrayList<>();
            if (ids.isEmpty()) {
                return entries;
            }
            String[] fields = ids.stream().map(RqFormat::text).toArray(String[]::new);
            redis.commands().hmget(RedisKeys.conversationMessages(businessId, contact), fields)
                    .forEach(kv -> kv.ifHasValue(v -> entries.add(fromJson(businessId, contact, v))));
            return entries;
        });
    }

    private static byte[] toJson(ConversationEntry e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message_id", e.messageId());
        json.put("sent_at", e.sentAt().map(Instant::getEpochSecond).orElse(null));
        json.put("from_me", e.fromMe());
        json.put("kind", e.kind());
        json.put("text", e.text().orElse(null));
        json.put("sender_name", e.senderName().orElse(null));
        try {
            return RqFormat.JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException(ex);
        }
    }

    private static ConversationEntry fromJson(String businessId, String contact, byte[] bytes) {
        try {
            JsonNode n = RqFormat.JSON.readTree(bytes);
            return new ConversationEntry(businessId, contact, n.path("message_id").asText(),
                    n.path("sent_at").isNumber() ? Optional.of(Instant.ofEpochSecond(n.path("sent_at").asLong()))
                            : Optional.empty(),
                    n.path("from_me").asBoolean(), n.path("kind").asText(),
                    textOf(n, "text"), textOf(n, "sender_name"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Optional<String> textOf(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
