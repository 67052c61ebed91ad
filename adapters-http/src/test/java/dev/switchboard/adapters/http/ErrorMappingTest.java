package dev.switchboard.adapters.http;

import dev.switchboard.ports.in.InvalidCommandException;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the shared error mapping answers for each kind of failure, over a real socket: a
 * command's own validation is 400, a bug is 500 logged with the trace id the client sees, an
 * unavailable job store is 503 with Retry-After.
 */
class ErrorMappingTest {
    private static final Logger SERVER_LOG = Logger.getLogger(SwitchboardHttpServer.class.getName());
    private static final List<LogRecord> LOGGED = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOGGED.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static SwitchboardHttpServer server;

    /** A raw HTTP/1.1 answer (the module reads no HTTP client). */
    private record Response(int statusCode, String head, String body) {
        java.util.Optional<String> header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return java.util.Optional.of(line.substring(colon + 1).trim());
                }
            }
            return java.util.Optional.empty();
        }
    }

    @BeforeAll
    static void start() {
        SERVER_LOG.addHandler(CAPTURE);
        HttpService failing = rules -> rules
                .get("/invalid", (req, res) -> {
                    throw new InvalidCommandException("title must be 1..200 characters");
                })
                .get("/bug", (req, res) -> {
                    throw new IllegalArgumentException("secret internals of a bug");
                })
                .get("/store", (req, res) -> {
                    throw new JobStoreUnavailableException("Redis cannot serve enqueue now: OOM", null);
                });
        server = SwitchboardHttpServer.start(0, List.of(failing));
    }

    @AfterAll
    static void stop() {
        server.close();
        SERVER_LOG.removeHandler(CAPTURE);
    }

    private static Response get(String path, String requestId) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (requestId == null ? "" : "X-Request-Id: " + requestId + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            while (!headBytes.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.IOException("closed in the headers");
                }
                headBytes.write(b);
            }
            String head = headBytes.toString(StandardCharsets.US_ASCII);
            Response partial = new Response(Integer.parseInt(head.split(" ")[1]), head, "");
            int length = Integer.parseInt(partial.header("Content-Length").orElse("0"));
            return new Response(partial.statusCode(), head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aCommandsOwnValidationIsABadRequestWithItsReason() throws Exception {
        Response response = get("/invalid", null);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("title must be 1..200 characters"), response.body());
    }

    @Test
    void anyOtherIllegalArgumentIsABugAnswered500AndLoggedWithTheTraceId() throws Exception {
        Response response = get("/bug", "trace-of-the-bug-1");
        assertEquals(500, response.statusCode());
        assertFalse(response.body().contains("secret internals"), response.body());
        assertTrue(response.body().contains("\"trace_id\":\"trace-of-the-bug-1\""), response.body());
        assertTrue(LOGGED.stream().anyMatch(r -> r.getLevel() == Level.SEVERE && r.getThrown() != null
                && r.getMessage().contains("trace_id=trace-of-the-bug-1")), "the bug is logged with its trace id");
    }

    @Test
    void anUnavailableJobStoreIs503WithRetryAfterAndRepeatsAreLoggedOnce() throws Exception {
        LOGGED.clear();
        for (int i = 0; i < 5; i++) {
            Response response = get("/store", null);
            assertEquals(503, response.statusCode());
            assertEquals("5", response.header("Retry-After").orElse(null));
        }
        assertEquals(1, LOGGED.stream().filter(r -> r.getMessage().contains("answering 503")).count(),
                "five 503s within a minute make one log line");
    }

    @Test
    void aPortInUseIsOneTypedErrorNotAServerThatIsNotRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            PortInUseException e = assertThrows(PortInUseException.class,
                    () -> SwitchboardHttpServer.start(taken.getLocalPort(), List.of()));
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " is already in use"), e.getMessage());
        }
    }
}
