package dev.switchboard.roles.api;

import dev.switchboard.adapters.http.BearerTokens;
import dev.switchboard.adapters.http.DashboardHttpService;
import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.JobsHealthHttpService;
import dev.switchboard.adapters.http.JobsHttpService;
import dev.switchboard.adapters.http.MetricsHttpService;
import dev.switchboard.adapters.http.SwitchboardMetrics;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import dev.switchboard.adapters.http.WhatsAppWebhookHttpService;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobAdministration;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisSchedulerStatus;
import dev.switchboard.domain.ReceiveWhatsAppMessagesService;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesUseCase;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import io.helidon.webserver.http.HttpService;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The api role. Duties: authenticate and validate inbound requests, enqueue jobs, answer.
 * Never: start a thread, executor or timer; execute a job.
 *
 * <p>Wiring, top to bottom: Redis connections, the job store's ports, metrics (which count every
 * enqueue), the use cases, the HTTP services (WhatsApp and Twilio webhooks, job API, health,
 * metrics, dashboard), the server. {@code GET /health} is registered with the rest, so it answers once all is wired.
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
        return start(config, System.getenv(), extraServices);
    }

    /** As {@link #start(RoleConfig, List)}, reading {@link TwilioSettings} from {@code environment} (tests). */
    public static ApiRole start(RoleConfig config, Map<String, String> environment, List<HttpService> extraServices) {
        TwilioSettings twilio = TwilioSettings.fromEnvironment(environment);
        RedisConnections redis = RedisConnections.connect(config.redisUrl());
        Clock clock = Clock.systemUTC();
        JobInspection inspection = new RedisJobInspection(redis, clock);
        SwitchboardMetrics metrics = new SwitchboardMetrics(inspection, config.queues());
        JobQueue queue = metrics.counting(jobQueue(redis));
        List<HttpService> services = new ArrayList<>(httpServices(config, queue));
        services.add(TwilioWebhooks.httpService(config, twilio, queue));
        // Health first: its path would otherwise match the job API's /api/jobs/{id}.
        services.add(new JobsHealthHttpService(inspection, new RedisSchedulerStatus(redis), config.queues(),
                config.schedulerTick(), clock));
        services.add(jobsApi(config, redis, inspection, queue));
        services.add(new MetricsHttpService(metrics));
        services.add(new DashboardHttpService());
        services.addAll(extraServices);
        SwitchboardHttpServer server = SwitchboardHttpServer.start(config.port(), services, Optional.of(metrics));
        LOG.info("api role listening on port " + server.port() + ", Redis at " + redis.describe());
        return new ApiRole(redis, server);
    }

    private static JobQueue jobQueue(RedisConnections redis) {
        return new RedisJobQueue(redis, Clock.systemUTC());
    }

    private static ReceiveWhatsAppMessagesUseCase receiveWhatsAppMessages(JobQueue queue) {
        return new ReceiveWhatsAppMessagesService(queue);
    }

    private static HttpService jobsApi(RoleConfig config, RedisConnections redis, JobInspection inspection,
                                       JobQueue queue) {
        Map<String, String> tokens = new LinkedHashMap<>();
        config.apiTokens().forEach(t -> tokens.put(t.businessId(), t.token()));
        return new JobsHttpService(new BearerTokens(tokens, config.adminToken()), inspection,
                new RedisJobAdministration(redis, Clock.systemUTC()), config.queues());
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
