package dev.switchboard.roles.api;

import dev.switchboard.adapters.http.BearerTokens;
import dev.switchboard.adapters.http.DashboardHttpService;
import dev.switchboard.adapters.http.HealthHttpService;
import dev.switchboard.adapters.http.JobsHealthHttpService;
import dev.switchboard.adapters.http.JobStatsHttpService;
import dev.switchboard.adapters.http.OverviewCache;
import dev.switchboard.adapters.http.BroadcastsHttpService;
import dev.switchboard.adapters.http.EnqueueQuota;
import dev.switchboard.adapters.http.GmailHttpService;
import dev.switchboard.adapters.http.JobActionsHttpService;
import dev.switchboard.adapters.http.JobQueriesHttpService;
import dev.switchboard.adapters.http.OutboundGuard;
import dev.switchboard.adapters.http.PushHttpService;
import dev.switchboard.adapters.http.PushSubscriptionsHttpService;
import dev.switchboard.adapters.http.RemindersHttpService;
import dev.switchboard.adapters.http.VapidKeys;
import dev.switchboard.adapters.http.WebhooksHttpService;
import dev.switchboard.adapters.http.MetricsHttpService;
import dev.switchboard.adapters.http.PortInUseException;
import dev.switchboard.adapters.http.ServerLimits;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.adapters.http.SwitchboardMetrics;
import dev.switchboard.adapters.http.SwitchboardHttpServer;
import dev.switchboard.adapters.http.WhatsAppWebhookHttpService;
import dev.switchboard.adapters.http.CrmHttpService;
import dev.switchboard.adapters.http.CallLogsHttpService;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobAdministration;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisRateLimiter;
import dev.switchboard.adapters.redis.RedisJobStatistics;
import dev.switchboard.adapters.redis.RedisJobsOverview;
import dev.switchboard.adapters.redis.RedisVapidKeyStore;
import dev.switchboard.domain.ConnectGmailService;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.ReceiveWhatsAppMessagesService;
import dev.switchboard.domain.CancelRunService;
import dev.switchboard.domain.SendPushService;
import dev.switchboard.domain.StartBroadcastService;
import dev.switchboard.ports.in.CancelRunUseCase;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.in.ConnectGmailUseCase;
import dev.switchboard.ports.in.ReceiveWhatsAppMessagesUseCase;
import dev.switchboard.ports.in.SendPushUseCase;
import dev.switchboard.ports.in.StartBroadcastUseCase;
import dev.switchboard.roles.common.NotificationSettings;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ServiceRole;

import io.helidon.common.Builder;
import io.helidon.webserver.Routing;
import io.helidon.webserver.http.HttpService;

import java.time.Clock;
import java.time.Duration;
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
 * enqueue), the use cases, the HTTP services (WhatsApp and Twilio webhooks, job API, push, broadcasts, health,
 * CRM records, call logs, push subscriptions, reminders and webhook endpoints, Gmail mailboxes, metrics,
 * outbound calls, dashboard), the server. {@code GET /health} is registered with the rest, so it answers once all is wired.
 */
public final class ApiRole implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiRole.class.getName());

    private final RedisConnections redis;
    private final Optional<PostgresStore> store;
    private final SwitchboardHttpServer server;

    private ApiRole(RedisConnections redis, Optional<PostgresStore> store, SwitchboardHttpServer server) {
        this.redis = redis;
        this.store = store;
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
        return start(config, environment, extraServices, List.of());
    }

    /**
     * As {@link #start(RoleConfig, Map, List)}, serving {@code extraRoutings} on the same port too
     * ({@code all} mode: the calls role's media stream WebSocket).
     */
    public static ApiRole start(RoleConfig config, Map<String, String> environment, List<HttpService> extraServices,
                                List<Builder<?, ? extends Routing>> extraRoutings) {
        TwilioSettings twilio = TwilioSettings.fromEnvironment(environment);
        NotificationSettings notifications = NotificationSettings.fromEnvironment(environment);
        Optional<PostgresStore> store = crmStore(config);
        RedisConnections redis = RedisConnections.connect(config.redisUrl(),
                new RedisConnections.ReplicationWait(config.redisWait().replicas(), config.redisWait().timeout()));
        Clock clock = Clock.systemUTC();
        JobInspection inspection = new RedisJobInspection(redis, clock);
        OverviewCache overview = new OverviewCache(new RedisJobsOverview(redis, clock), config.queues(),
                JobCatalogue.names(), Duration.ofSeconds(1));
        SwitchboardMetrics metrics = new SwitchboardMetrics(overview);
        JobQueue queue = metrics.counting(jobQueue(redis, config));
        EnqueueQuota quota = enqueueQuota(config, redis);
        BearerTokens tokens = bearerTokens(config);
        List<HttpService> services = new ArrayList<>();
        services.add(new WhatsAppWebhookHttpService(receiveWhatsAppMessages(queue), config.internalSecret(), quota));
        services.add(new HealthHttpService(config.role().id()));
        services.add(TwilioWebhooks.httpService(config, twilio, queue, store, clock));
        // Health first: its path would otherwise match the job API's /api/jobs/{id}.
        services.add(new JobsHealthHttpService(overview, config.schedulerTick()));
        services.add(new JobStatsHttpService(tokens, overview, new RedisJobStatistics(redis)));
        services.add(new JobQueriesHttpService(tokens, inspection, config.queues()));
        RedisJobAdministration administration = new RedisJobAdministration(redis, clock);
        services.add(new JobActionsHttpService(tokens, inspection, administration,
                cancelRun(administration, store, queue, clock)));
        services.add(new PushHttpService(tokens, Optional.of(sendPush(queue)), quota));
        services.add(store.<HttpService>map(s -> new BroadcastsHttpService(tokens, startBroadcast(s, queue),
                s.broadcasts(), inspection, quota)).orElseGet(() -> BroadcastsHttpService.unconfigured(tokens)));
        services.addAll(store.map(s -> notificationServices(tokens, s, redis, notifications, clock))
                .orElseGet(() -> List.of(PushSubscriptionsHttpService.unconfigured(tokens),
                        RemindersHttpService.unconfigured(tokens), WebhooksHttpService.unconfigured(tokens))));
        services.add(store.<HttpService>map(s -> new CrmHttpService(tokens, s.businesses(), s.leads(), s.messages()))
                .orElseGet(() -> CrmHttpService.unconfigured(tokens)));
        services.add(store.<HttpService>map(s -> new GmailHttpService(tokens, connectGmail(s, queue),
                s.gmailConnections(), quota)).orElseGet(() -> GmailHttpService.unconfigured(tokens)));
        // Before the call logs: /api/calls/outbound/{id} is not a call sid.
        services.add(TwilioWebhooks.outboundCalls(twilio, store, queue, tokens, inspection, quota));
        services.add(store.<HttpService>map(s -> new CallLogsHttpService(tokens, s.callLogs(), s.recordings()))
                .orElseGet(() -> CallLogsHttpService.unconfigured(tokens)));
        services.add(new MetricsHttpService(metrics));
        services.add(new DashboardHttpService());
        services.addAll(extraServices);
        SwitchboardHttpServer server;
        try {
            server = SwitchboardHttpServer.start(config.port(), services, Optional.of(metrics), serverLimits(config),
                    extraRoutings);
        } catch (PortInUseException e) {
            redis.close();
            store.ifPresent(PostgresStore::close);
            throw new ConfigException(e.getMessage());
        }
        LOG.info("api role listening on port " + server.port() + ", Redis at " + redis.describe());
        return new ApiRole(redis, store, server);
    }

    private static JobQueue jobQueue(RedisConnections redis, RoleConfig config) {
        return new RedisJobQueue(redis, Clock.systemUTC(), config.jobIdSecret());
    }

    private static StartBroadcastUseCase startBroadcast(PostgresStore store, JobQueue queue) {
        return new StartBroadcastService(store.broadcasts(), queue);
    }

    /** A run's jobs, and with the CRM store also the broadcast of that run id. */
    private static CancelRunUseCase cancelRun(JobAdministration administration, Optional<PostgresStore> store,
                                              JobQueue queue, Clock clock) {
        return store.map(s -> new CancelRunService(administration, s.broadcasts(), s.webhookEndpoints(), queue, clock))
                .orElseGet(() -> new CancelRunService(administration));
    }

    private static SendPushUseCase sendPush(JobQueue queue) {
        return new SendPushService(queue);
    }

    /**
     * Push subscriptions (and the VAPID public key pages subscribe with), reminders and webhook
     * endpoints: records of the CRM store, so mounted with it. URLs are checked for form here and
     * for their resolved address by the worker at each send.
     */
    private static List<HttpService> notificationServices(BearerTokens tokens, PostgresStore store,
                                                          RedisConnections redis, NotificationSettings notifications,
                                                          Clock clock) {
        VapidKeyPair vapid = VapidKeys.configuredOrKept(notifications.vapidPublicKey(), notifications.vapidPrivateKey(),
                new RedisVapidKeyStore(redis));
        OutboundGuard.Policy outbound = new OutboundGuard.Policy(notifications.allowPrivateDestinations(),
                notifications.allowPlainHttp());
        return List.of(
                new PushSubscriptionsHttpService(tokens, store.pushSubscriptions(), vapid, outbound),
                new RemindersHttpService(tokens, store.reminders(), clock),
                new WebhooksHttpService(tokens, store.webhookEndpoints(), store.webhookDeliveries(), outbound));
    }

    /** Stores a mailbox's connection and queues its first sync; the api never calls Google. */
    private static ConnectGmailUseCase connectGmail(PostgresStore store, JobQueue queue) {
        return new ConnectGmailService(store.gmailConnections(), queue);
    }

    private static ReceiveWhatsAppMessagesUseCase receiveWhatsAppMessages(JobQueue queue) {
        return new ReceiveWhatsAppMessagesService(queue);
    }

    /**
     * The CRM store, when {@code DATABASE_URL} is set. Without it the api still takes webhooks
     * (they only enqueue) and its CRM routes answer 503 saying what is missing.
     */
    private static Optional<PostgresStore> crmStore(RoleConfig config) {
        if (config.databaseUrl().isEmpty()) {
            LOG.warning("DATABASE_URL is not set: webhooks and the job API work, the CRM routes (/api/leads,"
                    + " /api/business) answer 503");
            return Optional.empty();
        }
        return Optional.of(PostgresStore.start(DatabaseUrl.parse(config.databaseUrl().get()),
                config.databasePoolSize()));
    }

    private static BearerTokens bearerTokens(RoleConfig config) {
        Map<String, String> tokens = new LinkedHashMap<>();
        config.apiTokens().forEach(t -> tokens.put(t.businessId(), t.token()));
        return new BearerTokens(tokens, config.adminToken());
    }

    /** One token bucket per business in Redis ({@code BUSINESS_RATE_LIMIT}, {@code BUSINESS_BURST}). */
    private static EnqueueQuota enqueueQuota(RoleConfig config, RedisConnections redis) {
        RoleConfig.RateLimit rate = config.businessRate();
        return rate.enabled() ? new EnqueueQuota(new RedisRateLimiter(redis, rate.perSecond(), rate.burst()))
                : EnqueueQuota.UNLIMITED;
    }

    /** The HTTP server's limits from {@code HTTP_*} (shared with the calls role). */
    public static ServerLimits serverLimits(RoleConfig config) {
        RoleConfig.HttpLimits h = config.http();
        return ServerLimits.of(h.maxConnections(), h.maxConcurrentRequests(), h.idleTimeout(), h.requestTimeout(),
                h.maxHeaderBytes());
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        redis.close();
        store.ifPresent(PostgresStore::close);
    }
}
