package dev.switchboard.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ports.out.GmailAccount;
import dev.switchboard.ports.out.GmailException;
import dev.switchboard.ports.out.GmailHistoryPage;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.GmailMessage;
import dev.switchboard.ports.out.GmailMessagePage;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link GmailMailbox} on Gmail's REST API with the JDK's HTTP client (docs/gmail.md): four GETs
 * and the OAuth refresh-token grant, without Google's client libraries and their dependency tree.
 *
 * <p>Access tokens are cached per connection until a minute before they expire, and refreshed once
 * when Gmail answers 401. {@code invalid_grant} means the business must reconnect. 429, 5xx, the
 * per-user rate-limit 403s and unreachable servers are retried here with truncated exponential
 * backoff ({@code min(base·2ⁿ + jitter, max)}, or {@code Retry-After} when given) up to
 * {@code maxAttempts}, then reported as {@link GmailException.Reason#RETRY_LATER}.
 */
public final class HttpGmailMailbox implements GmailMailbox {

    /**
     * @param apiBase      {@code https://gmail.googleapis.com}
     * @param tokenUri     {@code https://oauth2.googleapis.com/token}
     * @param clientSecret never shown by {@link #toString()}
     * @param maxAttempts  attempts per call for retryable answers
     * @param backoffBase  the first backoff (Google's guidance: 1 s)
     * @param maxBackoff   the longest single wait (Google's guidance: 32 s)
     */
    public record Settings(URI apiBase, URI tokenUri, String clientId, String clientSecret, Duration timeout,
                           int maxAttempts, Duration backoffBase, Duration maxBackoff) {
        public Settings {
            Objects.requireNonNull(apiBase, "apiBase");
            Objects.requireNonNull(tokenUri, "tokenUri");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(backoffBase, "backoffBase");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        @Override
        public String toString() {
            return "Settings[apiBase=" + apiBase + ", tokenUri=" + tokenUri + ", clientId=" + clientId
                    + ", clientSecret=<set>, timeout=" + timeout + ", maxAttempts=" + maxAttempts + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY_REFRESH = Duration.ofSeconds(60);
    private static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded");
    private static final List<String> METADATA_HEADERS = List.of("From", "To", "Subject", "Date", "Message-ID");

    private record AccessToken(String value, Instant expires) { }

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;
    private final String api;
    private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();

    public HttpGmailMailbox(Settings settings, HttpClient http, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        String base = settings.apiBase().toString();
        this.api = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/gmail/v1/users/me";
    }

    @Override
    public Profile profile(GmailAccount account) {
        JsonNode json = get(account, api + "/profile").orElseThrow(() -> rejected("profile", 404));
        return new Profile(json.path("emailAddress").asText(""), historyId(json.path("historyId")));
    }

    @Override
    public GmailMessagePage recentInboxMessages(GmailAccount account, int days, Optional<String> pageToken) {
        String url = api + "/messages?labelIds=INBOX&q=" + encode("newer_than:" + days + "d") + "&maxResults=500"
                + pageToken.map(t -> "&pageToken=" + encode(t)).orElse("");
        JsonNode json = get(account, url).orElseThrow(() -> rejected("messages.list", 404));
        List<String> ids = new ArrayList<>();
        json.path("messages").forEach(m -> ids.add(m.path("id").asText()));
        return new GmailMessagePage(ids, text(json.path("nextPageToken")));
    }

    @Override
    public GmailHistoryPage addedSince(GmailAccount account, BigInteger startHistoryId, Optional<String> pageToken) {
        String url = api + "/history?startHistoryId=" + startHistoryId + "&historyTypes=messageAdded&maxResults=500"
                + pageToken.map(t -> "&pageToken=" + encode(t)).orElse("");
        JsonNode json = get(account, url).orElseThrow(() -> new GmailException(GmailException.Reason.HISTORY_EXPIRED,
                "history id " + startHistoryId + " has expired: a full sync is needed", 404, Optional.empty()));
        Set<String> added = new LinkedHashSet<>();
        Optional<BigInteger> lastRecord = Optional.empty();
        // `history` is absent when nothing changed; the typed field, not `messages`, says what happened.
        for (JsonNode record : json.path("history")) {
            if (record.path("id").isTextual() || record.path("id").isNumber()) {
                BigInteger id = historyId(record.path("id"));
                lastRecord = Optional.of(lastRecord.map(id::max).orElse(id));
            }
            for (JsonNode added1 : record.path("messagesAdded")) {
                JsonNode message = added1.path("message");
                List<String> labels = new ArrayList<>();
                message.path("labelIds").forEach(l -> labels.add(l.asText()));
                if (labels.contains("INBOX") && !labels.contains("DRAFT") && !labels.contains("SENT")) {
                    added.add(message.path("id").asText());
                }
            }
        }
        return new GmailHistoryPage(List.copyOf(added), historyId(json.path("historyId")),
                text(json.path("nextPageToken")), lastRecord);
    }

    @Override
    public Optional<GmailMessage> message(GmailAccount account, String messageId) {
        StringBuilder url = new StringBuilder(api + "/messages/" + encode(messageId) + "?format=metadata");
        METADATA_HEADERS.forEach(h -> url.append("&metadataHeaders=").append(h));
        return get(account, url.toString()).map(json -> {
            List<String> labels = new ArrayList<>();
            json.path("labelIds").forEach(l -> labels.add(l.asText()));
            Map<String, String> headers = new java.util.HashMap<>();
            for (JsonNode header : json.path("payload").path("headers")) {
                headers.putIfAbsent(header.path("name").asText().toLowerCase(Locale.ROOT), header.path("value").asText());
            }
            long internalDate = Long.parseLong(json.path("internalDate").asText("0"));
            return new GmailMessage(json.path("id").asText(), json.path("threadId").asText(), labels, headers,
                    Instant.ofEpochMilli(internalDate), historyId(json.path("historyId")));
        });
    }

    /** A GET with backoff and one token refresh on 401; empty on 404. */
    private Optional<JsonNode> get(GmailAccount account, String url) {
        boolean refreshed = false;
        GmailException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(settings.timeout())
                    .header("Authorization", "Bearer " + accessToken(account).value()).GET().build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = retryLater("Gmail unreachable: " + e.getClass().getSimpleName(), 0, Optional.empty());
                backoff(attempt, Optional.empty());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw retryLater("interrupted", 0, Optional.empty());
            }
            int status = response.statusCode();
            if (status == 200) {
                return Optional.of(parse(response.body()));
            }
            if (status == 404) {
                return Optional.empty();
            }
            String reason = errorReason(response.body());
            if (status == 401) {
                forget(account);
                if (refreshed) {
                    throw new GmailException(GmailException.Reason.RECONNECT_NEEDED,
                            "Gmail refuses a freshly refreshed token", 401, Optional.empty());
                }
                refreshed = true;
                attempt--; // a refresh is not a backoff attempt
                continue;
            }
            Optional<Duration> retryAfter = RetryAfter.of(response, clock);
            if (status == 403 && "dailyLimitExceeded".equals(reason)) {
                throw retryLater("Gmail's daily quota is used up", 403, Optional.of(Duration.ofHours(1)));
            }
            if (status == 429 || status >= 500 || (status == 403 && RATE_LIMIT_REASONS.contains(reason))) {
                last = retryLater("Gmail answered " + status + (reason.isEmpty() ? "" : " " + reason), status, retryAfter);
                if (attempt < settings.maxAttempts()) {
                    backoff(attempt, retryAfter);
                }
                continue;
            }
            if (status == 403) {
                // The mailbox refuses this token (insufficientPermissions: a token without
                // gmail.readonly; domainPolicy: the Workspace admin forbids the app): only the
                // business can fix it, by connecting again. Until then it is not polled.
                throw new GmailException(GmailException.Reason.RECONNECT_NEEDED, "Gmail refuses this mailbox (403"
                        + (reason.isEmpty() ? "" : " " + reason) + "): connect it again with a token that may read it"
                        + " (scope gmail.readonly)", status, Optional.empty());
            }
            throw new GmailException(GmailException.Reason.REJECTED, "Gmail answered " + status
                    + (reason.isEmpty() ? "" : " " + reason), status, Optional.empty());
        }
        throw last;
    }

    private AccessToken accessToken(GmailAccount account) {
        // Keyed by the refresh token too: a reconnect keeps the connection's id but brings another
        // token (maybe of another mailbox), and must never be served the old token's access token.
        String key = account.connectionId() + ":" + fingerprint(account.refreshToken());
        AccessToken cached = tokens.get(key);
        if (cached != null && clock.instant().isBefore(cached.expires())) {
            return cached;
        }
        AccessToken fresh = refresh(account);
        forget(account);
        tokens.put(key, fresh);
        return fresh;
    }

    /** Drops the connection's cached access token, whichever refresh token it came from. */
    private void forget(GmailAccount account) {
        tokens.keySet().removeIf(k -> k.startsWith(account.connectionId() + ":"));
    }

    /** A refresh token's SHA-256, so that the cache holds no refresh token itself. */
    private static String fingerprint(String refreshToken) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(refreshToken.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    private AccessToken refresh(GmailAccount account) {
        String form = "client_id=" + encode(settings.clientId()) + "&client_secret=" + encode(settings.clientSecret())
                + "&refresh_token=" + encode(account.refreshToken()) + "&grant_type=refresh_token";
        HttpRequest request = HttpRequest.newBuilder(settings.tokenUri()).timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        GmailException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = retryLater("token endpoint unreachable: " + e.getClass().getSimpleName(), 0, Optional.empty());
                backoff(attempt, Optional.empty());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw retryLater("interrupted", 0, Optional.empty());
            }
            int status = response.statusCode();
            JsonNode json = parse(response.body());
            if (status == 200 && json.path("access_token").isTextual()) {
                Duration life = Duration.ofSeconds(json.path("expires_in").asLong(3600));
                return new AccessToken(json.path("access_token").asText(),
                        clock.instant().plus(life.compareTo(EARLY_REFRESH.multipliedBy(2)) > 0 ? life.minus(EARLY_REFRESH) : life));
            }
            String error = json.path("error").asText("");
            if (status == 400 && error.equals("invalid_grant")) {
                throw new GmailException(GmailException.Reason.RECONNECT_NEEDED, "the refresh token is expired or revoked"
                        + " (invalid_grant): the business must connect the mailbox again", status, Optional.empty());
            }
            if (status >= 500 || status == 429) {
                last = retryLater("token endpoint answered " + status, status, RetryAfter.of(response, clock));
                if (attempt < settings.maxAttempts()) {
                    backoff(attempt, RetryAfter.of(response, clock));
                }
                continue;
            }
            throw new GmailException(GmailException.Reason.REJECTED, "token endpoint answered " + status
                    + (error.isEmpty() ? "" : " " + error) + " (check GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET)", status,
                    Optional.empty());
        }
        throw last;
    }

    private void backoff(int attempt, Optional<Duration> retryAfter) {
        long base = settings.backoffBase().toMillis();
        long wait = retryAfter.map(Duration::toMillis).orElseGet(() ->
                (base << Math.min(attempt - 1, 20)) + ThreadLocalRandom.current().nextLong(base + 1));
        try {
            Thread.sleep(Math.min(wait, settings.maxBackoff().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw retryLater("interrupted", 0, Optional.empty());
        }
    }

    private static GmailException retryLater(String message, int status, Optional<Duration> retryAfter) {
        return new GmailException(GmailException.Reason.RETRY_LATER, message, status, retryAfter);
    }

    private static GmailException rejected(String call, int status) {
        return new GmailException(GmailException.Reason.REJECTED, call + " answered " + status, status, Optional.empty());
    }

    private static String errorReason(String body) {
        JsonNode error = parse(body).path("error");
        JsonNode first = error.path("errors").path(0);
        return first.path("reason").asText("");
    }

    private static BigInteger historyId(JsonNode node) {
        try {
            return new BigInteger(node.asText("0"));
        } catch (NumberFormatException e) {
            return BigInteger.ZERO;
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
