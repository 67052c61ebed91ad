package dev.switchboard.adapters.http;

import dev.switchboard.testsupport.FakeHostsProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No SSRF: each kind of address a business or browser could point us at, refused. */
class OutboundGuardTest {
    /** DNS as the tests want it; IP literals parse as themselves. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.216.34"),
            "other.example.com", List.of("93.184.216.35"),
            "v6.example.com", List.of("2606:2800:220:1:248:1893:25c8:1946"),
            "localhost", List.of("127.0.0.1", "::1"),
            "internal.example.com", List.of("10.0.0.5"),
            "metadata.google.internal", List.of("169.254.169.254"),
            "rebind.example.com", List.of("93.184.216.34", "127.0.0.1"));
    private static final OutboundGuard.HostResolver RESOLVER = host -> {
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            if (host.contains(":") || host.matches("[0-9.]+")) {
                return List.of(InetAddress.getByName(host));
            }
            throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String a : addresses) {
            out.add(InetAddress.getByName(a));
        }
        return out;
    };

    private final HttpClient http = HttpClient.newHttpClient();
    private final OutboundGuard strict = new OutboundGuard(OutboundGuard.Policy.strict(), RESOLVER, http);
    private FakeHostsProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://127.0.0.1/", "https://127.1.2.3:8443/x", "https://[::1]/", "https://localhost/",
            "https://10.1.2.3/", "https://172.16.5.4/", "https://172.31.255.255/", "https://192.168.0.1/",
            "https://internal.example.com/hook",
            "https://169.254.169.254/latest/meta-data/", "https://metadata.google.internal/computeMetadata/v1/",
            "https://169.254.10.10/", "https://[fe80::1]/", "https://[fd00:ec2::254]/", "https://[fc00::5]/",
            "https://100.64.0.1/", "https://100.127.255.254/", "https://0.0.0.0/", "https://[::]/",
            "https://224.0.0.1/", "https://[ff02::1]/", "https://255.255.255.255/", "https://240.0.0.1/",
            "https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://[::ffff:10.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/", "https://[::127.0.0.1]/",
            "https://rebind.example.com/", "https://192.0.2.1/", "https://198.18.0.1/"})
    void refusesEveryNonPublicDestination(String url) {
        RefusedDestinationException e = assertThrows(RefusedDestinationException.class, () -> strict.check(URI.create(url)));
        assertTrue(e.getMessage().contains("OUTBOUND_ALLOW_PRIVATE"), e.getMessage());
    }

    @Test
    void allowsPublicAddresses() {
        assertDoesNotThrow(() -> strict.check(URI.create("https://hooks.example.com/n8n/webhook/abc")));
        assertDoesNotThrow(() -> strict.check(URI.create("https://v6.example.com/")));
        assertDoesNotThrow(() -> strict.check(URI.create("https://93.184.216.34:8443/")));
        assertDoesNotThrow(() -> strict.check(URI.create("https://172.32.0.1/")), "just outside 172.16/12");
        assertDoesNotThrow(() -> strict.check(URI.create("https://100.128.0.1/")), "just outside 100.64/10");
    }

    @Test
    void refusesPlainHttpUserInfoAndOtherSchemesUnlessAllowed() {
        assertThrows(RefusedDestinationException.class, () -> strict.check(URI.create("http://hooks.example.com/")));
        assertThrows(RefusedDestinationException.class, () -> strict.check(URI.create("https://u:p@hooks.example.com/")));
        assertThrows(RefusedDestinationException.class, () -> strict.check(URI.create("ftp://hooks.example.com/")));
        assertThrows(RefusedDestinationException.class, () -> strict.check(URI.create("file:///etc/passwd")));
        OutboundGuard dev = new OutboundGuard(new OutboundGuard.Policy(true, true), RESOLVER, http);
        assertDoesNotThrow(() -> dev.check(URI.create("http://127.0.0.1:5678/webhook/x")));
        assertThrows(RefusedDestinationException.class, () -> dev.check(URI.create("gopher://127.0.0.1/")));
    }

    @Test
    void theFormCheckAloneRefusesLiteralsAndSchemesWithoutResolving() {
        assertThrows(RefusedDestinationException.class,
                () -> OutboundGuard.checkForm(URI.create("https://169.254.169.254/"), OutboundGuard.Policy.strict()));
        assertThrows(RefusedDestinationException.class,
                () -> OutboundGuard.checkForm(URI.create("https://[::ffff:127.0.0.1]/"), OutboundGuard.Policy.strict()));
        assertThrows(RefusedDestinationException.class,
                () -> OutboundGuard.checkForm(URI.create("http://hooks.example.com/"), OutboundGuard.Policy.strict()));
        assertDoesNotThrow(() -> OutboundGuard.checkForm(URI.create("https://unresolvable.invalid/"), OutboundGuard.Policy.strict()));
    }

    @Test
    void aHostThatDoesNotResolveIsNotARefusal() {
        assertThrows(UnknownHostException.class, () -> strict.check(URI.create("https://nowhere.example.com/")));
    }

    @Test
    void refusesAClientThatFollowsRedirectsByItself() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThrows(IllegalArgumentException.class,
                () -> new OutboundGuard(OutboundGuard.Policy.strict(), RESOLVER, following));
        following.close();
    }

    /**
     * The first hop is a public name; it redirects to loopback. A local proxy plays that public
     * host, so the first hop is really sent and the second would be.
     */
    @Test
    void aRedirectToLoopbackFromAPublicHostIsRefusedBeforeItIsSent() throws Exception {
        proxy = FakeHostsProxy.start().redirect("hooks.example.com", "http://127.0.0.1:1/steal");
        try (HttpClient viaProxy = proxiedClient()) {
            OutboundGuard guard = new OutboundGuard(new OutboundGuard.Policy(false, true), RESOLVER, viaProxy);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://hooks.example.com/hook"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            RefusedDestinationException e = assertThrows(RefusedDestinationException.class, () -> guard.send(request, 3));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertEquals(List.of("POST hooks.example.com /hook {}"), proxy.seen());
        }
    }

    @Test
    void aRedirectToTheMetadataServiceByNameIsRefused() throws Exception {
        proxy = FakeHostsProxy.start().redirect("hooks.example.com", "http://metadata.google.internal/computeMetadata/v1/");
        try (HttpClient viaProxy = proxiedClient()) {
            OutboundGuard guard = new OutboundGuard(new OutboundGuard.Policy(false, true), RESOLVER, viaProxy);
            assertThrows(RefusedDestinationException.class, () -> guard.send(HttpRequest.newBuilder(
                    URI.create("http://hooks.example.com/")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), 3));
            assertEquals(1, proxy.seen().size());
        }
    }

    @Test
    void aRedirectBetweenPublicHostsIsFollowedWithTheSameMethodAndBody() throws Exception {
        proxy = FakeHostsProxy.start().redirect("hooks.example.com", "http://other.example.com/moved");
        try (HttpClient viaProxy = proxiedClient()) {
            OutboundGuard guard = new OutboundGuard(new OutboundGuard.Policy(false, true), RESOLVER, viaProxy);
            HttpResponse<byte[]> response = guard.send(HttpRequest.newBuilder(URI.create("http://hooks.example.com/hook"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), 3);
            assertEquals(200, response.statusCode());
            assertEquals(List.of("POST hooks.example.com /hook {\"a\":1}", "POST other.example.com /moved {\"a\":1}"),
                    proxy.seen());
        }
    }

    @Test
    void redirectsBeyondTheLimitAreReturnedNotFollowed() throws Exception {
        proxy = FakeHostsProxy.start().redirect("hooks.example.com", "http://hooks.example.com/again");
        try (HttpClient viaProxy = proxiedClient()) {
            OutboundGuard guard = new OutboundGuard(new OutboundGuard.Policy(false, true), RESOLVER, viaProxy);
            HttpResponse<byte[]> response = guard.send(HttpRequest.newBuilder(URI.create("http://hooks.example.com/"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), 2);
            assertEquals(307, response.statusCode());
            assertEquals(3, proxy.seen().size());
        }
    }

    private HttpClient proxiedClient() {
        return HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).connectTimeout(Duration.ofSeconds(2))
                .build();
    }
}
