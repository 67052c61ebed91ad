package dev.switchboard.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays public hosts on loopback: an HTTP proxy (for plain {@code http:} URLs a client sends the
 * absolute URL to its proxy) that answers as whichever host was asked, with a scripted 307
 * redirect or 200. Lets SSRF tests send a real first hop to a public-looking name and watch
 * whether the redirected second hop is attempted. Records every request as
 * {@code "METHOD host path body"}.
 */
public final class FakeHostsProxy implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    public static FakeHostsProxy start() {
        try {
            return new FakeHostsProxy();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake hosts proxy", e);
        }
    }

    private FakeHostsProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", exchange -> {
            try (exchange) {
                URI uri = exchange.getRequestURI();
                String host = uri.getHost() != null ? uri.getHost() : exchange.getRequestHeaders().getFirst("Host");
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(exchange.getRequestMethod() + " " + host + " " + uri.getPath() + " " + body);
                String target = redirects.get(host);
                if (target != null) {
                    exchange.getResponseHeaders().add("Location", target);
                    exchange.sendResponseHeaders(307, -1);
                } else {
                    exchange.sendResponseHeaders(200, -1);
                }
            }
        });
        server.start();
    }

    /** Requests to {@code host} answer 307 to {@code location}. */
    public FakeHostsProxy redirect(String host, String location) {
        redirects.put(host, location);
        return this;
    }

    /** For {@code ProxySelector.of(...)}. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public List<String> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
