package dev.switchboard.adapters.media.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.Domains;
import com.twilio.rest.api.v2010.account.Recording;
import dev.switchboard.ports.out.CallRecordingException;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.RecordingAudio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@link CallRecordings} through the Twilio SDK: the media is a {@code GET} of
 * {@code /2010-04-01/Accounts/{AC}/Recordings/{RE}.wav?RequestedChannels=1} and the deletion
 * {@code Recording.deleter(sid).delete(client)}, both sent by a {@link TwilioRestClient} with the
 * account's Basic auth (always sent: Twilio may enforce auth on media) over
 * {@link TwilioApiHttpClient}, which sends them to a configurable base URL ({@code TWILIO_API_BASE_URL},
 * {@code https://api.twilio.com} unless a local fake stands in).
 *
 * <p>The media URL is built from the base, the account and the recording sid, never from the
 * callback's {@code RecordingUrl} (docs/twilio.md: a configurable base keeps the fake working and
 * nobody can point the worker elsewhere). The WAV's RIFF header is read, not assumed
 * ({@link WavFiles}). A 404 (Twilio's 20404) is {@link CallRecordingException.Kind#GONE}, and for
 * a deletion "already deleted"; a 401 or 403 is {@link CallRecordingException.Kind#DENIED}. The media
 * is read as it arrives into the one array of samples; audio longer than a 4-hour call (Twilio's
 * longest) is {@link CallRecordingException.Kind#REFUSED} before it is read.
 */
public final class TwilioCallRecordings implements CallRecordings {
    private static final Pattern SID = Pattern.compile("RE[0-9a-zA-Z]{1,62}");
    private static final Pattern ACCOUNT = Pattern.compile("AC[0-9a-zA-Z]{1,62}");

    private final TwilioRestClient client;
    private final String accountSid;
    private final Duration timeout;
    private final long maxAudioBytes;

    /**
     * @param apiBase    where Twilio's REST API is, e.g. {@code https://api.twilio.com}
     * @param accountSid the account ({@code TWILIO_ACCOUNT_SID}, {@code AC…})
     * @param authToken  its auth token ({@code TWILIO_AUTH_TOKEN}); never logged
     * @param timeout    for each request (a recording of a long call is a few MB)
     */
    public TwilioCallRecordings(URI apiBase, String accountSid, String authToken, Duration timeout) {
        this(apiBase, accountSid, authToken, timeout, WavFiles.MAX_DATA_BYTES);
    }

    /** @param maxAudioBytes longest audio taken, in bytes of samples; a longer recording is refused */
    TwilioCallRecordings(URI apiBase, String accountSid, String authToken, Duration timeout, long maxAudioBytes) {
        Objects.requireNonNull(authToken, "authToken");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxAudioBytes = maxAudioBytes;
        if (!ACCOUNT.matcher(Objects.requireNonNull(accountSid, "accountSid")).matches()) {
            throw new IllegalArgumentException("a Twilio account sid starts with AC, then letters and digits");
        }
        this.accountSid = accountSid;
        this.client = new TwilioRestClient.Builder(accountSid, authToken)
                .httpClient(new TwilioApiHttpClient(apiBase, timeout))
                .build();
    }

    @Override
    public RecordingAudio download(String recordingSid) {
        requireSid(recordingSid);
        Request request = new Request(HttpMethod.GET, Domains.API.toString(),
                "/2010-04-01/Accounts/" + accountSid + "/Recordings/" + recordingSid + ".wav");
        // Both parties mixed into one channel: what batch recognition takes.
        request.addQueryParam("RequestedChannels", "1");
        Response response;
        try {
            response = client.request(request);
        } catch (ApiConnectionException e) {
            throw new CallRecordingException(CallRecordingException.Kind.UNAVAILABLE,
                    "Twilio unreachable fetching recording " + recordingSid + ": " + e.getMessage(), e);
        }
        int status = response.getStatusCode();
        if (status == 404) {
            throw new CallRecordingException(CallRecordingException.Kind.GONE,
                    "Twilio has no recording " + recordingSid + " (404): deleted, or never there", null);
        }
        if (status < 200 || status > 299) {
            throw new CallRecordingException(kindOf(status),
                    "Twilio answered " + status + " for the media of recording " + recordingSid + hint(status), null);
        }
        // Streamed from the socket into the samples: one copy of the audio in memory, and the read as
        // a whole bounded by the request timeout (the job's own timeout interrupts it too).
        try (InputStream body = response.getStream()) {
            return WavFiles.read(new DeadlineInputStream(body, System.nanoTime() + timeout.toNanos()), maxAudioBytes);
        } catch (IOException e) {
            throw new CallRecordingException(CallRecordingException.Kind.UNAVAILABLE,
                    "reading recording " + recordingSid + " from Twilio failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CallRecordingException(CallRecordingException.Kind.REFUSED,
                    "recording " + recordingSid + " cannot be transcribed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String recordingSid) {
        requireSid(recordingSid);
        try {
            return Recording.deleter(recordingSid).delete(client);
        } catch (ApiException e) {
            Integer status = e.getStatusCode();
            if ((status != null && status == 404) || Integer.valueOf(20404).equals(e.getCode())) {
                return false;
            }
            throw new CallRecordingException(kindOf(status),
                    "Twilio refused to delete recording " + recordingSid + ": " + status + " " + e.getMessage()
                            + hint(status), e);
        } catch (ApiConnectionException e) {
            throw new CallRecordingException(CallRecordingException.Kind.UNAVAILABLE,
                    "Twilio unreachable deleting recording " + recordingSid + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new CallRecordingException(CallRecordingException.Kind.UNAVAILABLE,
                    "Twilio unreachable deleting recording " + recordingSid + ": " + e.getMessage(), e);
        }
    }

    /**
     * 401/403 refuse the account, not this recording (so a sweep stops at once); 429 and 5xx (or
     * no status at all) are passing; anything else refuses this request.
     */
    private static CallRecordingException.Kind kindOf(Integer status) {
        if (status == null || status >= 500 || status == 429) {
            return CallRecordingException.Kind.UNAVAILABLE;
        }
        return status == 401 || status == 403 ? CallRecordingException.Kind.DENIED
                : CallRecordingException.Kind.REFUSED;
    }

    private static String hint(Integer status) {
        return status != null && (status == 401 || status == 403)
                ? " (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN?)" : "";
    }

    private static void requireSid(String recordingSid) {
        if (recordingSid == null || !SID.matcher(recordingSid).matches()) {
            throw new CallRecordingException(CallRecordingException.Kind.REFUSED,
                    "a Twilio recording sid starts with RE, then letters and digits", null);
        }
    }
}
