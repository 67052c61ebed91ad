package dev.switchboard.roles.cli;

/** Ends a command with a message and one of {@link JobsCli}'s exit statuses. */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
