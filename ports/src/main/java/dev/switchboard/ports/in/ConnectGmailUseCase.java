package dev.switchboard.ports.in;

import dev.switchboard.ports.out.GmailConnection;

/**
 * Driving port: connect a Gmail mailbox (store it) and queue its first sync
 * ({@code gmail_sync_job}), which checks the token with Google. Enqueues only.
 */
public interface ConnectGmailUseCase {

    GmailConnected connect(ConnectGmailCommand command);

    /**
     * @param reconnected the business had connected this address before (its token is replaced)
     * @param syncJobId   the job that syncs it now
     */
    record GmailConnected(GmailConnection connection, boolean reconnected, String syncJobId) {
    }
}
