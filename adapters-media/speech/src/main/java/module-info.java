/**
 * Google Cloud Speech-to-Text side of Switchboard's media adapters.
 *
 * <p>{@link dev.switchboard.adapters.media.speech.GoogleSpeechClients} creates a
 * {@code com.google.cloud.speech.v1.SpeechClient} for an endpoint: plaintext gRPC without
 * credentials for a local fake or emulator, TLS with Application Default Credentials otherwise.
 *
 * <p>{@code com.google.cloud.speech} is Switchboard's {@code speech-bundle}: google-cloud-speech
 * and its whole run-time tree (gax, gRPC with grpc-netty-shaded, protobuf, google-auth, the
 * proto-google-* jars) shaded into one automatic module, because the original jars split packages
 * and cannot share a module path. It is required {@code transitive} because this module's API
 * returns {@code SpeechClient}; the lint {@code requires-transitive-automatic} is suppressed
 * knowingly: the bundle's module name is fixed by its {@code Automatic-Module-Name} manifest entry.
 * Consumers must not put any of the original jars on their module path (see
 * {@code adapters-media/README.md}).
 */
@SuppressWarnings("requires-transitive-automatic")
module switchboard.adapters.media.speech {
    requires transitive com.google.cloud.speech;
    requires transitive switchboard.ports;
    requires java.logging;

    exports dev.switchboard.adapters.media.speech;
}
