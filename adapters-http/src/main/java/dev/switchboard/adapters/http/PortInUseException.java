package dev.switchboard.adapters.http;

/** The HTTP port is taken by another process: a mistake of the operator's, said in one line. */
public final class PortInUseException extends RuntimeException {
    public PortInUseException(int port) {
        super("port " + port + " is already in use: stop the other process or set PORT to a free port",
                null, false, false);
    }
}
