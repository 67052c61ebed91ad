package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ports.in.IncomingWhatsAppMessage;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesCommand;
import io.helidon.http.Status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the WhatsApp gateway's body ({@code {"tenantId", "payload": messages.upsert event}},
 * docs/whatsapp.md) and normalises each message. The whole body is checked before
 * anything is enqueued, so a bad message anywhere rejects the delivery and writes nothing.
 */
final class BaileysPayloads {
    private static final Pattern JID = Pattern.compile(
            "^[^@\\s]+@(s\\.whatsapp\\.net|lid|g\\.us|broadcast|newsletter|c\\.us|hosted|hosted\\.lid|bot)$");
    private static final Set<String> TOP_LEVEL = Set.of("tenantId", "payload");
    /** Wrappers Baileys' normalizeMessageContent unwraps. */
    private static final List<String> WRAPPERS = List.of("ephemeralMessage", "viewOnceMessage",
            "viewOnceMessageV2", "viewOnceMessageV2Extension", "documentWithCaptionMessage", "editedMessage");
    private static final Set<String> NOT_CONTENT = Set.of("senderKeyDistributionMessage", "messageContextInfo");

    private BaileysPayloads() {
    }

    static ReceiveWhatsAppMessagesCommand parse(JsonNode body, String traceId) {
        JsonFields.object(body, TOP_LEVEL, "");
        String tenantId = requiredText(body, "tenantId", "tenantId");
        JsonNode payload = body.get("payload");
        if (payload == null || !payload.isObject()) {
            throw bad("payload must be an object");
        }
        JsonNode type = payload.get("type");
        if (type != null && !type.isNull() && !(type.isTextual()
                && (type.asText().equals("notify") || type.asText().equals("append")))) {
            throw bad("payload.type must be 'notify' or 'append'");
        }
        JsonNode messages = payload.get("messages");
        if (messages == null || !messages.isArray()) {
            throw bad("payload.messages must be an array");
        }
        if (messages.isEmpty() || messages.size() > ReceiveWhatsAppMessagesCommand.MAX_MESSAGES) {
            throw bad("payload.messages must hold 1.." + ReceiveWhatsAppMessagesCommand.MAX_MESSAGES + " messages");
        }
        List<IncomingWhatsAppMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), "payload.messages[" + i + "]"));
        }
        boolean live = type == null || type.isNull() || type.asText().equals("notify");
        return new ReceiveWhatsAppMessagesCommand(tenantId, traceId, live, parsed);
    }

    private static IncomingWhatsAppMessage message(JsonNode m, String path) {
        if (!m.isObject()) {
            throw bad(path + " must be an object");
        }
        JsonNode key = m.get("key");
        if (key == null || !key.isObject()) {
            throw bad(path + ".key must be an object");
        }
        String remoteJid = requiredText(key, "remoteJid", path + ".key.remoteJid");
        if (!JID.matcher(remoteJid).matches()) {
            throw bad(path + ".key.remoteJid is not a WhatsApp JID");
        }
        String id = requiredText(key, "id", path + ".key.id");
        boolean fromMe = optionalBoolean(key, "fromMe", path + ".key.fromMe");
        Optional<String> remoteJidAlt = optionalText(key, "remoteJidAlt", path + ".key.remoteJidAlt");
        Optional<String> participant = optionalText(key, "participant", path + ".key.participant");
        Optional<Instant> sentAt = timestamp(m.get("messageTimestamp"), path + ".messageTimestamp");
        Optional<String> pushName = optionalText(m, "pushName", path + ".pushName");
        JsonNode content = m.get("message");
        if (content != null && !content.isNull() && !content.isObject()) {
            throw bad(path + ".message must be an object or null");
        }
        JsonNode unwrapped = unwrap(content);
        try {
            return new IncomingWhatsAppMessage(remoteJid, remoteJidAlt, participant, id, fromMe, sentAt,
                    pushName, kind(unwrapped), text(unwrapped));
        } catch (dev.switchboard.ports.in.InvalidCommandException e) {
            // Say which message of the batch: the record knows its fields, not its place.
            throw bad(path + ": " + e.getMessage());
        }
    }

    private static JsonNode unwrap(JsonNode content) {
        JsonNode current = content;
        for (int depth = 0; depth < 5 && current != null && current.isObject(); depth++) {
            JsonNode inner = null;
            for (String wrapper : WRAPPERS) {
                JsonNode w = current.get(wrapper);
                if (w != null && w.isObject() && w.get("message") != null && w.get("message").isObject()) {
                    inner = w.get("message");
                    break;
                }
            }
            if (inner == null) {
                return current;
            }
            current = inner;
        }
        return current;
    }

    /** Baileys getContentType: the first key that is 'conversation' or ends with 'Message'. */
    private static String kind(JsonNode content) {
        if (content == null || !content.isObject()) {
            return "unknown";
        }
        for (Iterator<String> names = content.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!NOT_CONTENT.contains(name) && (name.equals("conversation") || name.endsWith("Message"))) {
                return name;
            }
        }
        return "unknown";
    }

    private static Optional<String> text(JsonNode m) {
        if (m == null || !m.isObject()) {
            return Optional.empty();
        }
        return firstText(m, "conversation")
                .or(() -> firstText(m, "extendedTextMessage", "text"))
                .or(() -> firstText(m, "imageMessage", "caption"))
                .or(() -> firstText(m, "videoMessage", "caption"))
                .or(() -> firstText(m, "documentMessage", "caption"))
                .or(() -> firstText(m, "buttonsResponseMessage", "selectedButtonId"))
                .or(() -> firstText(m, "listResponseMessage", "singleSelectReply", "selectedRowId"))
                .or(() -> firstText(m, "templateButtonReplyMessage", "selectedId"));
    }

    private static Optional<String> firstText(JsonNode node, String... path) {
        JsonNode current = node;
        for (String step : path) {
            if (current == null || !current.isObject()) {
                return Optional.empty();
            }
            current = current.get(step);
        }
        return current != null && current.isTextual() ? Optional.of(current.asText()) : Optional.empty();
    }

    /** Unix seconds as a number, a digit string, or a protobufjs Long {low, high, unsigned}. */
    private static Optional<Instant> timestamp(JsonNode t, String path) {
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        long seconds;
        if (t.isIntegralNumber() && t.canConvertToLong() && t.asLong() >= 0) {
            seconds = t.asLong();
        } else if (t.isTextual() && t.asText().matches("[0-9]{1,12}")) {
            seconds = Long.parseLong(t.asText());
        } else if (t.isObject() && t.get("low") != null && t.get("low").isIntegralNumber()) {
            long low = t.get("low").asLong() & 0xffffffffL;
            JsonNode highNode = t.get("high");
            long high = highNode != null && highNode.isIntegralNumber() ? highNode.asLong() : 0;
            if (high < 0 || high > 0xffff) {
                throw bad(path + " is out of range");
            }
            seconds = (high << 32) | low;
        } else {
            throw bad(path + " must be unix seconds (number, digit string or {low, high})");
        }
        if (seconds > 253_402_300_799L) {
            throw bad(path + " is out of range");
        }
        return Optional.of(Instant.ofEpochSecond(seconds));
    }

    private static String requiredText(JsonNode node, String field, String path) {
        return JsonFields.requiredText(node, field, path);
    }

    private static Optional<String> optionalText(JsonNode node, String field, String path) {
        return JsonFields.optionalText(node, field, path);
    }

    private static boolean optionalBoolean(JsonNode node, String field, String path) {
        return JsonFields.optionalBoolean(node, field, path);
    }

    private static HttpProblem bad(String reason) {
        return new HttpProblem(Status.BAD_REQUEST_400, reason);
    }
}
