package dev.switchboard.roles.api;

import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import dev.switchboard.adapters.http.WhatsAppWebhookHttpService;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.domain.ReceiveWhatsAppMessagesService;
import dev.switchboard.ports.JobQueue;
import dev.switchboard.ports.ReceiveWhatsAppMessagesUseCase;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import io.helidon.webserver.http.HttpService;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The api role. Duties: authenticate and validate inbound requests, enqueue jobs, answer.
 * Never: start a thread, executor or timer; execute a job.
 *
 * <p>Wiring, top to bottom: Redis connections, the job queue, the use cases, the HTTP services,
 * the server. {@code GET /health} is registered with the rest, so it answers once all is wired.
 */
public final class ApiRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiRole.class.getName());

    private final RedisConnections redis;
    private final SwitchboardHttpServer server;

    private ApiRole(RedisConnections redis, SwitchboardHttpServer server) {
        this.redis = redis;
        this.server = server;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.API, ApiRole::start);
    }

    public static ApiRole start(RoleConfig config) {
        return start(config, List.of());
    }

    /** Starts the api, adding {@code extraServices} (the calls role's routes in {@code all} mode). */
    public static ApiRole start(RoleConfig config, List<HttpService> extraServices) {
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        List<HttpService> services = new ArrayList<>(httpServices(config, jobQueue(redis)));
        services.addAll(extraServices);
        SwitchboardHttpServer server = SwitchboardHttpServer.start(config.port(), services);
        LOG.info("api role listening on port " + server.port() + ", Redis at " + redis.describe());
        return new ApiRole(redis, server);
    }

    private static JobQueue jobQueue(RedisConnections redis) {
        return new RedisJobQueue(redis, Clock.systemUTC());
    }

    private static ReceiveWhatsAppMessagesUseCase receiveWhatsAppMessages(JobQueue queue) {
        return new ReceiveWhatsAppMessagesService(queue);
    }

    private static List<HttpService> httpServices(RoleConfig config, JobQueue queue) {
        return List.of(
                new WhatsAppWebhookHttpService(receiveWhatsAppMessages(queue), config.internalSecret()),
                new HealthHttpService(config.role().id()));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        redis.close();
    }
}
