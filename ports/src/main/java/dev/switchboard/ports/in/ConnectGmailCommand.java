package dev.switchboard.ports.in;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.EmailAddress;

import java.util.Objects;

/**
 * Connect a Gmail mailbox to a business with the OAuth refresh token the business's user granted
 * (scope {@code gmail.readonly}). The token is a secret: never shown by {@link #toString()}.
 */
public record ConnectGmailCommand(String businessId, String traceId, String email, String refreshToken) {
    /** Google's refresh tokens are about 100 characters; this leaves room without accepting a novel. */
    public static final int MAX_TOKEN = 2048;

    public ConnectGmailCommand {
        Objects.requireNonNull(businessId, "businessId");
        Objects.requireNonNull(traceId, "traceId");
        if (BusinessScope.isReserved(businessId)) {
            throw new InvalidCommandException("business id '" + businessId + "' is reserved");
        }
        if (!EmailAddress.isValid(email == null ? null : email.strip())) {
            throw new InvalidCommandException("email must be the mailbox's address, like vendas@example.com");
        }
        email = email.strip();
        if (refreshToken == null || refreshToken.length() < 10 || refreshToken.length() > MAX_TOKEN
                || refreshToken.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new InvalidCommandException("refresh_token must be the OAuth refresh token: 10.." + MAX_TOKEN
                    + " printable characters without spaces");
        }
    }

    @Override
    public String toString() {
        return "ConnectGmailCommand[businessId=" + businessId + ", email=" + email + ", refreshToken=<set>]";
    }
}
