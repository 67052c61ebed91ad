package dev.switchboard.adapters.media.twilio;

import dev.switchboard.ports.in.MediaStreamSession;
import dev.switchboard.ports.in.MediaStreamStart;
import dev.switchboard.ports.out.MediaStreamOutput;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.websocket.WsSession;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a stream whose writer is stuck: a peer that stops reading leaves a write blocked in the
 * socket for as long as TCP keeps the connection (a live peer advertising a zero window: for
 * ever). The stand-in session blocks a write the way a socket does, until its thread is
 * interrupted (for a virtual thread, the JDK then closes the socket and the write fails).
 */
class MediaStreamOutputCloseTest {

    @Test
    void closeDoesNotWaitForeverForAWriteToAPeerThatStoppedReading() throws Exception {
        StuckSocket ws = new StuckSocket();
        AtomicReference<MediaStreamOutput> output = new AtomicReference<>();
        TwilioMediaStreamListener listener = new TwilioMediaStreamListener(out -> {
            output.set(out);
            return new IgnoringSession();
        });
        listener.onOpen(ws);
        listener.onMessage(ws, "{\"event\":\"start\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"CA1\"}}", true);
        Thread writer = Thread.ofVirtual().start(() -> output.get().media(new byte[160]));
        assertTrue(ws.writing.await(5, TimeUnit.SECONDS), "the write is in the socket");

        long t0 = System.nanoTime();
        Thread closer = Thread.ofVirtual().start(() -> output.get().close("no media for 10000 ms"));
        closer.join(TimeUnit.SECONDS.toMillis(5));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertFalse(closer.isAlive(), "close is still waiting for the stuck write after " + ms + " ms");
        assertTrue(ms < 3000, "close returned in " + ms + " ms");
        writer.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(writer.isAlive(), "the stuck write was ended");
        assertFalse(output.get().isOpen());
        output.get().media(new byte[160]);
        assertEquals(List.of("media"), ws.sent.stream().map(m -> m.replaceAll(".*\"event\":\"([a-z]+)\".*", "$1")).toList(),
                "nothing written after close");
    }

    /** A socket whose writes block until the writing thread is interrupted. */
    private static final class StuckSocket implements WsSession {
        final CountDownLatch writing = new CountDownLatch(1);
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Integer> closes = new CopyOnWriteArrayList<>();

        @Override
        public WsSession send(String text, boolean last) {
            sent.add(text);
            writing.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                throw new UncheckedIOException(new IOException("socket closed by interrupt"));
            }
            return this;
        }

        @Override
        public WsSession send(BufferData bufferData, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WsSession ping(BufferData bufferData) {
            return this;
        }

        @Override
        public WsSession pong(BufferData bufferData) {
            return this;
        }

        @Override
        public WsSession close(int code, String reason) {
            closes.add(code);
            return this;
        }

        @Override
        public WsSession terminate() {
            return this;
        }

        @Override
        public SocketContext socketContext() {
            throw new UnsupportedOperationException();
        }
    }

    private static final class IgnoringSession implements MediaStreamSession {
        @Override
        public void started(MediaStreamStart start) {
        }

        @Override
        public void media(byte[] mulaw) {
        }

        @Override
        public void mark(String name) {
        }

        @Override
        public void dtmf(String digit) {
        }

        @Override
        public void stopped() {
        }

        @Override
        public void ended(String reason) {
        }
    }
}
