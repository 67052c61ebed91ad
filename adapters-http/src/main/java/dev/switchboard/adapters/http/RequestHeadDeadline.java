package dev.switchboard.adapters.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A total deadline for reading a request's head (request line and headers), counted from its first
 * byte. Helidon bounds each read ({@code HTTP_REQUEST_TIMEOUT} as the socket's read timeout) and
 * the whole head's size, but not its duration: a client sending one header byte every few seconds
 * kept a connection (and its virtual thread) for hours. Bodies have their own deadline
 * ({@link RequestBodies}).
 *
 * <p>It wraps Helidon's HTTP/1 connection selector and hands each connection a reader that looks
 * at the clock whenever bytes arrive; Helidon's receive listener says when the head is complete
 * and its send listener when the answer began (the connection is then between requests). A head
 * still incomplete past the deadline ends in {@code 408} and the connection is closed. The check
 * runs on the connection's own thread: no timer, no thread of ours (the api starts none). A
 * client that stops sending altogether is cut off by the read timeout, so the head of a request
 * lasts at most deadline + read timeout. A connection upgraded to WebSocket is never timed again.
 */
final class RequestHeadDeadline implements ServerConnectionSelector {

    /** Registered as a receive listener of the HTTP/1 protocol: a request's head was read. */
    static final Http1ConnectionListener ON_RECEIVE = new Http1ConnectionListener() {
        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof TimedConnection timed) {
                timed.headRead(headers.contains(HeaderNames.UPGRADE));
            }
        }
    };

    /** Registered as a send listener of the HTTP/1 protocol: an answer began. */
    static final Http1ConnectionListener ON_SEND = new Http1ConnectionListener() {
        @Override
        public void status(ConnectionContext ctx, Status status) {
            if (ctx instanceof TimedConnection timed) {
                timed.answered();
            }
        }
    };

    private final ServerConnectionSelector http1;
    private final long deadlineNanos;

    RequestHeadDeadline(ServerConnectionSelector http1, Duration deadline) {
        this.http1 = http1;
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(io.helidon.common.buffers.BufferData request) {
        return http1.supports(request);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return http1.connection(new TimedConnection(ctx, deadlineNanos));
    }

    /** One connection, as Helidon sees it, with a reader that enforces the deadline. */
    static final class TimedConnection implements ConnectionContext {
        private static final int BETWEEN_REQUESTS = 0;
        private static final int IN_HEAD = 1;
        private static final int IN_BODY = 2;
        private static final int UPGRADED = 3;

        private final ConnectionContext ctx;
        private final long deadlineNanos;
        private final DataReader reader;
        // Written and read by the connection's thread only (listeners run on it too).
        private int state = BETWEEN_REQUESTS;
        private long headStarted;

        TimedConnection(ConnectionContext ctx, long deadlineNanos) {
            this.ctx = ctx;
            this.deadlineNanos = deadlineNanos;
            this.reader = DataReader.create(this::next);
        }

        /** The next bytes from the socket (those Helidon read while choosing the protocol first). */
        private byte[] next() {
            DataReader source = ctx.dataReader();
            if (source.available() == 0) {
                source.pullData(); // blocks at most the socket's read timeout
            }
            byte[] bytes = source.readBytes(source.available());
            long now = System.nanoTime();
            if (state == BETWEEN_REQUESTS) {
                state = IN_HEAD;
                headStarted = now;
            } else if (state == IN_HEAD && now - headStarted > deadlineNanos) {
                throw RequestException.builder()
                        .type(DirectHandler.EventType.OTHER)
                        .status(Status.REQUEST_TIMEOUT_408)
                        .message("the request's headers took too long to arrive")
                        .safeMessage(true)
                        .setKeepAlive(false)
                        .build();
            }
            return bytes;
        }

        void headRead(boolean upgrade) {
            state = upgrade ? UPGRADED : IN_BODY;
        }

        void answered() {
            if (state != UPGRADED) {
                state = BETWEEN_REQUESTS;
            }
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
