package dev.switchboard.ports.out;

import java.util.Objects;

/**
 * One connected Gmail mailbox, as the Gmail client needs it.
 *
 * @param connectionId our id of the connection (access tokens are cached under it)
 * @param refreshToken the OAuth refresh token the business granted (never shown by {@link #toString()})
 */
public record GmailAccount(String connectionId, String refreshToken) {
    public GmailAccount {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(refreshToken, "refreshToken");
        if (connectionId.isBlank() || refreshToken.isBlank()) {
            throw new IllegalArgumentException("a Gmail account needs a connection id and a refresh token");
        }
    }

    @Override
    public String toString() {
        return "GmailAccount[connectionId=" + connectionId + ", refreshToken=<set>]";
    }
}
