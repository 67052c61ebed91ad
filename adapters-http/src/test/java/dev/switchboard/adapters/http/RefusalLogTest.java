package dev.switchboard.adapters.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalLogTest {
    @Test
    void aFloodOfRefusalsIsOneLineAnIntervalWithTheCountOfTheRest() {
        Logger logger = Logger.getLogger("refusal-log-test");
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        AtomicLong now = new AtomicLong();
        RefusalLog log = new RefusalLog(logger, Duration.ofMinutes(1), now::get);
        for (int i = 0; i < 1000; i++) {
            log.refused(Level.WARNING, "signature", () -> "wrong signature");
        }
        log.refused(Level.WARNING, "other kind", () -> "another refusal");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        log.refused(Level.WARNING, "signature", () -> "wrong signature");
        assertEquals(List.of("wrong signature", "another refusal",
                "wrong signature (and 999 more like it since the last such line)"), lines);
    }

    @Test
    void longUrlsAreCutBeforeTheyReachTheLog() {
        String url = "https://api.example.com/webhook/twilio/voice?" + "a".repeat(10_000);
        String logged = RefusalLog.truncated(url);
        assertTrue(logged.length() < 250, logged);
        assertTrue(logged.endsWith("(" + url.length() + " chars)"), logged);
    }
}
