package dev.switchboard.roles.calls;

import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.PortInUseException;
import dev.switchboard.adapters.http.ServerLimits;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import io.helidon.webserver.http.HttpService;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The calls role. Duties: terminate Twilio Media Streams and stream audio to speech-to-text;
 * enqueue a job for every durable write. Never: run periodic schedulers.
 *
 * <p>Not built yet: the Media Streams endpoint (its own issue). Today it serves {@code /health}.
 */
public final class CallsRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallsRole.class.getName());

    private final SwitchboardHttpServer server;

    private CallsRole(SwitchboardHttpServer server) {
        this.server = server;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.CALLS, CallsRole::start);
    }

    public static CallsRole start(RoleConfig config) {
        List<HttpService> services = new ArrayList<>(httpServices());
        services.add(new HealthHttpService(config.role().id()));
        RoleConfig.HttpLimits h = config.http();
        SwitchboardHttpServer server;
        try {
            server = SwitchboardHttpServer.start(config.port(), services, java.util.Optional.empty(),
                    ServerLimits.of(h.maxConnections(), h.maxConcurrentRequests(), h.idleTimeout(), h.requestTimeout(),
                            h.maxHeaderBytes()));
        } catch (PortInUseException e) {
            throw new ConfigException(e.getMessage());
        }
        LOG.info("calls role listening on port " + server.port());
        return new CallsRole(server);
    }

    /** The routes of this role, also mounted on the api's server in {@code all} mode. */
    public static List<HttpService> httpServices() {
        return List.of();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
