package dev.switchboard.adapters.http;

/**
 * An outbound request the {@link OutboundGuard} would not send: the URL's form (scheme, user
 * info) or where its host resolves (a private, loopback, link-local, metadata ... address).
 */
public final class RefusedDestinationException extends Exception {
    public RefusedDestinationException(String message) {
        super(message);
    }
}
