package dev.switchboard.adapters.media.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The Twilio SDK's {@link HttpClient} seam (docs: twilio-rest.md §1): sends each request the SDK
 * builds for {@code https://api.twilio.com/…} to the same path and query under a configurable base,
 * with the JDK's HTTP client. The SDK has no base-URL setting of its own.
 *
 * <p>{@link #reliableRequest(Request)} does not retry: the SDK's own version repeats any 5xx up to
 * three times, which for a non-idempotent request repeats its effect. Jobs retry instead, under
 * their policy. Redirects (media may live elsewhere) are followed up to three times, and the
 * {@code Authorization} header goes only to the base's own origin. A successful answer to a GET of
 * recording media ({@code .wav}, {@code .mp3}) is handed on as the open body stream, not read into
 * memory first; the caller closes it. Every other answer is read whole.
 */
final class TwilioApiHttpClient extends HttpClient {
    private static final int MAX_REDIRECTS = 3;

    private final String base;
    private final URI baseUri;
    private final Duration timeout;
    private final java.net.http.HttpClient http;

    TwilioApiHttpClient(URI base, Duration timeout) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || base.getHost() == null || base.getRawQuery() != null) {
            throw new IllegalArgumentException("the Twilio API base must be an absolute http(s) URL without query: " + base);
        }
        String text = base.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.baseUri = URI.create(this.base);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        URL url = request.constructURL();
        URI target = URI.create(base + url.getPath() + (url.getQuery() != null ? "?" + url.getQuery() : ""));
        String method = request.getMethod().toString();
        Optional<String> auth = request.requiresAuthentication() ? Optional.of(request.getAuthString()) : Optional.empty();
        // A recording's media is streamed to its reader (it may be hundreds of MB): its reader closes it.
        boolean media = method.equals("GET") && (url.getPath().endsWith(".wav") || url.getPath().endsWith(".mp3"));
        try {
            for (int redirects = 0; ; redirects++) {
                HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout);
                if (auth.isPresent() && sameOrigin(target)) {
                    builder.header("Authorization", auth.get());
                }
                if (method.equals("GET") || method.equals("DELETE")) {
                    builder.method(method, HttpRequest.BodyPublishers.noBody());
                } else {
                    builder.header("Content-Type", "application/x-www-form-urlencoded")
                            .method(method, HttpRequest.BodyPublishers.ofString(request.encodeFormBody()));
                }
                HttpResponse<InputStream> response = http.send(builder.build(), info -> media && info.statusCode() / 100 == 2
                        ? HttpResponse.BodySubscribers.ofInputStream()
                        : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                                ByteArrayInputStream::new));
                Optional<String> location = response.headers().firstValue("Location");
                int status = response.statusCode();
                if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                        && location.isPresent() && method.equals("GET") && redirects < MAX_REDIRECTS) {
                    target = target.resolve(location.get());
                    continue;
                }
                return new Response(response.body(), status, headers(response.headers()));
            }
        } catch (IOException e) {
            throw new ApiConnectionException("Twilio API at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("interrupted calling the Twilio API", e);
        }
    }

    /**
     * The answer's headers as the SDK holds them: never null, as {@code TwilioRestClient} logs
     * {@code getHeaders().length} whenever its logger is at DEBUG.
     */
    static Header[] headers(java.net.http.HttpHeaders headers) {
        List<Header> all = new ArrayList<>();
        headers.map().forEach((name, values) -> values.forEach(v -> all.add(new BasicHeader(name, v))));
        return all.toArray(Header[]::new);
    }

    private boolean sameOrigin(URI target) {
        return Objects.equals(target.getScheme(), baseUri.getScheme()) && Objects.equals(target.getHost(), baseUri.getHost())
                && target.getPort() == baseUri.getPort();
    }
}
