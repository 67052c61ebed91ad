package dev.switchboard.adapters.media.speech;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.speech.v1.SpeechClient;
import com.google.cloud.speech.v1.SpeechSettings;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Creates Speech-to-Text v1 clients for an endpoint {@code host:port}.
 *
 * <ul>
 *   <li>A <b>local</b> endpoint ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}) is a fake
 *       server or an emulator: the client speaks plaintext gRPC (HTTP/2 without TLS) and sends no
 *       credentials.</li>
 *   <li>Any other endpoint, e.g. {@link #GOOGLE_ENDPOINT}, gets the library defaults: TLS and
 *       Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, the gcloud user
 *       credentials or the metadata server).</li>
 * </ul>
 *
 * <p>A {@link SpeechClient} pools its channels and threads: create one per process, share it
 * between calls, and {@link SpeechClient#close() close} it at shutdown.
 */
public final class GoogleSpeechClients {

    /** Google's public Speech-to-Text endpoint. */
    public static final String GOOGLE_ENDPOINT = "speech.googleapis.com:443";

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private GoogleSpeechClients() {
    }

    /**
     * Creates a client for {@code endpoint}, configured as {@link #settings(String)} describes.
     *
     * @param endpoint {@code host:port}, e.g. {@code speech.googleapis.com:443} or {@code 127.0.0.1:50051}
     * @return a new client; the caller closes it
     * @throws IOException if the client cannot be set up (for a remote endpoint, e.g. when no
     *                     Application Default Credentials are found)
     */
    public static SpeechClient create(String endpoint) throws IOException {
        return SpeechClient.create(settings(endpoint));
    }

    /**
     * The settings {@link #create(String)} uses, for callers that want to adjust them further
     * (retry settings, executor) through {@link SpeechSettings#toBuilder()}.
     *
     * @param endpoint {@code host:port}
     * @return plaintext, credential-less settings for a local endpoint; TLS and Application
     *         Default Credentials otherwise
     * @throws IOException as {@link SpeechSettings.Builder#build()} declares
     * @throws IllegalArgumentException if {@code endpoint} is not {@code host:port}
     */
    public static SpeechSettings settings(String endpoint) throws IOException {
        String host = hostOf(endpoint);
        SpeechSettings.Builder builder = SpeechSettings.newBuilder().setEndpoint(endpoint);
        if (isLoopback(host)) {
            builder.setCredentialsProvider(NoCredentialsProvider.create())
                    .setTransportChannelProvider(SpeechSettings.defaultGrpcTransportProviderBuilder()
                            .setEndpoint(endpoint)
                            .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                            .build());
        }
        return builder.build();
    }

    /**
     * Whether {@code endpoint} names this machine by a loopback name or literal, which makes
     * {@link #settings(String)} use plaintext and no credentials. Only literals count: no name is
     * looked up.
     *
     * @param endpoint {@code host:port}
     * @return true for {@code localhost}, {@code 127.0.0.0/8} and {@code [::1]}
     * @throws IllegalArgumentException if {@code endpoint} is not {@code host:port}
     */
    public static boolean isLocal(String endpoint) {
        return isLoopback(hostOf(endpoint));
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || IPV4_LOOPBACK.matcher(h).matches()
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    private static String hostOf(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("endpoint must be host:port, got: " + endpoint);
        }
        String port = endpoint.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("endpoint must be host:port, got: " + endpoint);
        }
        String host = endpoint.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 host must be in brackets, e.g. [::1]:50051, got: " + endpoint);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("endpoint must be host:port, got: " + endpoint);
        }
        return host;
    }
}
