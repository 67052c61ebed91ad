package dev.switchboard.adapters.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operators' dashboard: {@code GET /dashboard} and {@code GET /dashboard/{asset}} serve a
 * static page, its script and its style from this module's resources. The files hold no data:
 * the script asks for a bearer token and reads everything through the job API with it, so
 * nothing is shown without a valid token, and the page itself can be public.
 *
 * <p>Only the names on a fixed allow-list are served (no path from the request ever reaches a
 * resource lookup). They are read once, at construction, so a missing file stops the role at
 * start rather than on a request. Every answer forbids caching and carries a strict
 * Content-Security-Policy: scripts, styles and requests come only from this origin, and there is
 * no inline script the policy would have to allow.
 */
public final class DashboardHttpService implements HttpService {
    /** What the dashboard may load and call: this origin only, and nothing inline. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final String INDEX = "index.html";

    /** The allow-list: asset name to content type. */
    static final Map<String, String> CONTENT_TYPES = Map.of(
            INDEX, "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private record Asset(String contentType, byte[] bytes) { }

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    public DashboardHttpService() {
        CONTENT_TYPES.forEach((name, type) -> assets.put(name, new Asset(type, read(name))));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/dashboard", (request, response) -> send(response, INDEX))
                .get("/dashboard/", (request, response) -> send(response, INDEX))
                .get("/dashboard/{asset}", this::asset);
    }

    private void asset(ServerRequest request, ServerResponse response) {
        send(response, request.path().pathParameters().get("asset"));
    }

    private void send(ServerResponse response, String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new HttpProblem(Status.NOT_FOUND_404, "no such dashboard file");
        }
        response.status(Status.OK_200);
        response.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.header(CSP, CONTENT_SECURITY_POLICY);
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        response.header(REFERRER_POLICY, "no-referrer");
        response.header(FRAME_OPTIONS, "DENY");
        response.send(asset.bytes());
    }

    /** The bytes of one allow-listed file; a named module reads its own package's resources. */
    static byte[] read(String name) {
        try (InputStream in = DashboardHttpService.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the build: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
