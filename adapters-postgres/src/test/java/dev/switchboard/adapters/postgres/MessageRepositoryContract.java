package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.ChatMessage.Direction;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link MessageRepository} must do, whatever stores it. */
abstract class MessageRepositoryContract {

    abstract MessageRepository messages();

    abstract LeadRepository leads();

    private static final Instant T0 = Instant.parse("2026-11-30T09:00:00Z");

    String lead(String business, String phone) {
        return leads().upsert(new LeadContact(business, Optional.of(phone), Optional.empty(), Optional.empty(),
                Optional.empty(), "whatsapp")).lead().id();
    }

    static ChatMessage message(String business, String lead, String id, Direction direction, Instant at, String text) {
        return new ChatMessage(business, lead, id, direction, "whatsapp", "conversation", Optional.of(text), at,
                direction == Direction.INBOUND ? Optional.of("Ana") : Optional.empty());
    }

    @Test
    void appendingTheSameMessageIdTwiceRecordsItOnce() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511988880001");
        assertTrue(messages().append(message(business, lead, "wamid.1", Direction.INBOUND, T0, "hello")));
        assertFalse(messages().append(message(business, lead, "wamid.1", Direction.INBOUND, T0, "hello again")));
        List<ChatMessage> recent = messages().recent(business, lead, 10);
        assertEquals(1, recent.size());
        assertEquals(Optional.of("hello"), recent.get(0).text(), "the first recording stays");
    }

    @Test
    void concurrentAppendsOfOneMessageRecordItOnce() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511988880002");
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                ChatMessage message = message(business, lead, "wamid.race." + round, Direction.INBOUND, T0.plusSeconds(round), "hi");
                CyclicBarrier together = new CyclicBarrier(4);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    results.add(writers.submit(() -> {
                        together.await();
                        return messages().append(message);
                    }));
                }
                int news = 0;
                for (Future<Boolean> result : results) {
                    news += result.get() ? 1 : 0;
                }
                assertEquals(1, news, "round " + round);
            }
            assertEquals(20, messages().recent(business, lead, 100).size());
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void recentReturnsTheLatestMessagesOldestFirst() {
        String business = "biz-" + UUID.randomUUID();
        String lead = lead(business, "+5511988880003");
        for (int i = 0; i < 5; i++) {
            messages().append(message(business, lead, "m" + i, i % 2 == 0 ? Direction.INBOUND : Direction.OUTBOUND,
                    T0.plusSeconds(i), "text " + i));
        }
        // Sent in the same instant as m4: arrival order breaks the tie.
        messages().append(message(business, lead, "m5", Direction.OUTBOUND, T0.plusSeconds(4), "text 5"));
        List<ChatMessage> recent = messages().recent(business, lead, 3);
        assertEquals(List.of("m3", "m4", "m5"), recent.stream().map(ChatMessage::messageId).toList());
        ChatMessage m3 = recent.get(0);
        assertEquals(Direction.OUTBOUND, m3.direction());
        assertEquals(T0.plusSeconds(3), m3.at());
        assertEquals("whatsapp", m3.channel());
        assertEquals("conversation", m3.kind());
        assertEquals(Optional.of("Ana"), messages().recent(business, lead, 6).get(0).authorName());
    }

    @Test
    void anotherBusinessesConversationIsNeverReturnedNorWritable() {
        String mine = "biz-" + UUID.randomUUID();
        String theirs = "biz-" + UUID.randomUUID();
        String theirLead = lead(theirs, "+5511988880004");
        messages().append(message(theirs, theirLead, "secret-1", Direction.INBOUND, T0, "private"));
        assertEquals(List.of(), messages().recent(mine, theirLead, 10));
        assertThrows(IllegalArgumentException.class,
                () -> messages().append(message(mine, theirLead, "x-1", Direction.INBOUND, T0, "sneaky")));
        // The same message id in another business is another message.
        String myLead = lead(mine, "+5511988880004");
        assertTrue(messages().append(message(mine, myLead, "secret-1", Direction.INBOUND, T0, "mine")));
        assertEquals(Optional.of("private"), messages().recent(theirs, theirLead, 10).get(0).text());
    }

    @Test
    void aMessageForAnUnknownLeadIsRefused() {
        String business = "biz-" + UUID.randomUUID();
        assertThrows(IllegalArgumentException.class, () -> messages().append(
                message(business, UUID.randomUUID().toString(), "m", Direction.INBOUND, T0, "?")));
        assertThrows(IllegalArgumentException.class, () -> messages().append(
                message(business, "not-a-uuid", "m", Direction.INBOUND, T0, "?")));
        assertEquals(List.of(), messages().recent(business, "not-a-uuid", 5));
    }
}
