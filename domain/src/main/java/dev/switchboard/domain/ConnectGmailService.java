package dev.switchboard.domain;

import dev.switchboard.ports.in.ConnectGmailCommand;
import dev.switchboard.ports.in.ConnectGmailUseCase;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.GmailConnectionRepository;
import dev.switchboard.ports.out.JobQueue;

import java.util.Objects;

/**
 * Stores the mailbox's connection (a reconnect replaces its token) and queues a sync of it at
 * once, keyed on the connection and its generation (one per connect, never folded into an
 * earlier connect's). That sync is what checks the token with Google; its verdict shows on the
 * connection. Should the enqueue fail after the connection was stored, the periodic sync picks the
 * mailbox up within 5 minutes. Enqueues only: the api never calls Google itself.
 */
public final class ConnectGmailService implements ConnectGmailUseCase {
    private final GmailConnectionRepository connections;
    private final JobQueue queue;

    public ConnectGmailService(GmailConnectionRepository connections, JobQueue queue) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public GmailConnected connect(ConnectGmailCommand command) {
        GmailConnection connection = connections.connect(command.businessId(), command.email(), command.refreshToken());
        EnqueueResult sync = queue.enqueue(GmailSyncJob.DEFINITION.deduplicatedRequest(
                GmailSyncJob.Args.mailbox(connection.id()), command.businessId(), command.traceId(),
                GmailSyncJob.connectKey(connection.id(), connection.generation()), GmailSyncJob.FAN_OUT_KEY_TTL));
        return new GmailConnected(connection, connection.generation() > 1, sync.jobId());
    }
}
