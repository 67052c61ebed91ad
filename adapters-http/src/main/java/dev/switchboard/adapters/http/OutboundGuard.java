package dev.switchboard.adapters.http;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The only way out to a URL that a business or a browser chose (webhook endpoints, push
 * endpoints): no SSRF. Before each request, and again before each redirect hop, the host is
 * resolved and the request is refused if <em>any</em> of its addresses is private, loopback,
 * link-local (the cloud metadata service lives there), unique-local, CGNAT, multicast,
 * unspecified, reserved or documentation-only, including such an IPv4 address inside an IPv6 one
 * (mapped, compatible, NAT64, 6to4). Plain {@code http:} and user info in the URL are refused too.
 * {@link Policy} relaxes this for development and tests ({@code OUTBOUND_ALLOW_PRIVATE},
 * {@code OUTBOUND_ALLOW_HTTP}).
 *
 * <p>Redirects: the {@link HttpClient} must not follow them itself (it would skip the check);
 * {@link #send} follows 307/308 (the codes that keep method and body) up to a limit, checking each
 * hop, and returns any other 3xx to the caller.
 *
 * <p>What remains: the client resolves the host again to connect. The JDK caches a lookup for
 * 30 s ({@code networkaddress.cache.ttl}), so that connect normally sees the addresses checked here;
 * a rebinding DNS server racing the cache's expiry is answered only by an egress proxy, which
 * production should still have (docs/outbound.md).
 */
public final class OutboundGuard {

    /**
     * @param allowPrivate   also send to private and loopback addresses (development, tests)
     * @param allowPlainHttp also send over {@code http:} (development, tests)
     */
    public record Policy(boolean allowPrivate, boolean allowPlainHttp) {
        public static Policy strict() {
            return new Policy(false, false);
        }
    }

    /** Name resolution, injectable so tests can play DNS. */
    @FunctionalInterface
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    }

    private final Policy policy;
    private final HostResolver resolver;
    private final HttpClient http;

    /**
     * @param http a client that never follows redirects
     */
    public OutboundGuard(Policy policy, HostResolver resolver, HttpClient http) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.http = Objects.requireNonNull(http, "http");
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the outbound client must not follow redirects by itself");
        }
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Checks a URL's form without resolving it: an absolute https URL (http when allowed), no user
     * info, and, when the host is an IP literal, an allowed address. For validating a URL when a
     * business registers it; {@link #check} is still done at each send.
     */
    public void checkForm(URI url) throws RefusedDestinationException {
        checkForm(url, policy);
    }

    /**
     * As {@link #checkForm(URI)}, for callers that only validate and never send (the api role,
     * which must not build an HTTP client: its selector thread would be a thread of the api).
     */
    public static void checkForm(URI url, Policy policy) throws RefusedDestinationException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && policy.allowPlainHttp())) {
            throw new RefusedDestinationException(policy.allowPlainHttp() ? "the URL must be http(s)"
                    : "the URL must be https (OUTBOUND_ALLOW_HTTP is off)");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new RefusedDestinationException("the URL has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new RefusedDestinationException("the URL must not carry user info");
        }
        if (!policy.allowPrivate() && isLiteral(url.getHost())) {
            try {
                refuseIfForbidden(url.getHost(), List.of(InetAddress.getByName(url.getHost())));
            } catch (UnknownHostException e) {
                throw new RefusedDestinationException("the URL's host is not a valid address");
            }
        }
    }

    /**
     * Checks a URL's form and every address its host resolves to.
     *
     * @throws UnknownHostException the host does not resolve (perhaps only for now)
     */
    public void check(URI url) throws RefusedDestinationException, UnknownHostException {
        checkForm(url);
        if (policy.allowPrivate()) {
            return;
        }
        String host = url.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses = resolver.resolve(bare);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(bare);
        }
        refuseIfForbidden(host, addresses);
    }

    /**
     * Sends {@code request} after checking its URL, following up to {@code maxRedirects} 307/308
     * redirects, each checked before it is sent.
     */
    public HttpResponse<byte[]> send(HttpRequest request, int maxRedirects)
            throws RefusedDestinationException, IOException, InterruptedException {
        HttpRequest current = request;
        for (int hop = 0; ; hop++) {
            check(current.uri());
            HttpResponse<byte[]> response = http.send(current, HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("location");
            if ((status != 307 && status != 308) || location.isEmpty() || hop >= maxRedirects) {
                return response;
            }
            URI next;
            try {
                next = current.uri().resolve(location.get().strip());
            } catch (IllegalArgumentException e) {
                return response;
            }
            current = HttpRequest.newBuilder(current, (name, value) -> true).uri(next).build();
        }
    }

    private static void refuseIfForbidden(String host, List<InetAddress> addresses) throws RefusedDestinationException {
        for (InetAddress address : addresses) {
            Optional<String> why = whyForbidden(address);
            if (why.isPresent()) {
                throw new RefusedDestinationException(host + " resolves to " + address.getHostAddress() + ", "
                        + why.get() + " (set OUTBOUND_ALLOW_PRIVATE=true only for development)");
            }
        }
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+");
    }

    /** Why an address must not be reached from here, or empty when it is a public unicast address. */
    static Optional<String> whyForbidden(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return whyForbiddenV4(b);
        }
        if (!(address instanceof Inet6Address) || b.length != 16) {
            return Optional.of("not an IP address");
        }
        if (prefix(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded(b, 12, "IPv4-mapped");
        }
        if (prefix(b, 15) && b[15] == 0) {
            return Optional.of("the unspecified address");
        }
        if (prefix(b, 15) && b[15] == 1) {
            return Optional.of("loopback");
        }
        if (prefix(b, 12)) {
            return embedded(b, 12, "IPv4-compatible");
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return embedded(b, 12, "NAT64");
        }
        if (first == 0x20 && second == 0x02) {
            return embedded(b, 2, "6to4");
        }
        if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
            return Optional.of("Teredo (hides an IPv4 address)");
        }
        if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return Optional.of("documentation-only (2001:db8::/32)");
        }
        if (first == 0x01 && second == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
            return Optional.of("discard-only (100::/64)");
        }
        if ((first & 0xfe) == 0xfc) {
            return Optional.of(first == 0xfd && second == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                    ? "the cloud metadata service's unique-local address" : "unique-local (fc00::/7)");
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of("link-local (fe80::/10)");
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Optional.of("site-local (fec0::/10)");
        }
        if (first == 0xff) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    private static Optional<String> whyForbiddenV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 169 && a1 == 254 && a2 == 169 && (b[3] & 0xff) == 254) {
            return Optional.of("the cloud metadata service");
        }
        if (a0 == 0) {
            return Optional.of("the unspecified network (0.0.0.0/8)");
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return Optional.of("private (RFC 1918)");
        }
        if (a0 == 127) {
            return Optional.of("loopback");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local (169.254.0.0/16)");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT (100.64.0.0/10)");
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return Optional.of("IETF protocol assignments (192.0.0.0/24)");
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return Optional.of("documentation-only (TEST-NET)");
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return Optional.of("benchmarking (198.18.0.0/15)");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("multicast");
        }
        if (a0 >= 240) {
            return Optional.of("reserved or broadcast (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] b, int offset, String kind) {
        return whyForbiddenV4(Arrays.copyOfRange(b, offset, offset + 4)).map(why -> why + ", " + kind);
    }

    private static boolean prefix(byte[] b, int zeros) {
        for (int i = 0; i < zeros; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
