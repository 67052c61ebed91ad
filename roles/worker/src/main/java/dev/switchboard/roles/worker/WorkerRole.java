package dev.switchboard.roles.worker;

import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.adapters.http.HttpWebPushSender;
import dev.switchboard.adapters.http.HttpWebhookSender;
import dev.switchboard.adapters.http.OutboundGuard;
import dev.switchboard.adapters.http.VapidKeys;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisVapidKeyStore;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisSendPacer;
import dev.switchboard.adapters.redis.RedisLiveCalls;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.ports.out.VapidKeyPair;
import dev.switchboard.ports.out.WebPushSender;
import dev.switchboard.ports.out.WebhookSender;
import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.NotificationSettings;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.common.RoleLauncher;
import dev.switchboard.roles.common.ScaledClock;
import dev.switchboard.roles.common.ServiceRole;
import dev.switchboard.roles.runtime.RoleThreads;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The worker role. Duties: run jobs from {@code RQ_QUEUES}, highest priority first, with
 * {@code WORKER_CONCURRENCY} at once, each under a lease of {@code WORKER_LEASE} kept alive by
 * heartbeats; recover the jobs of dead workers; on SIGTERM stop claiming, give running jobs
 * {@code WORKER_GRACE} to finish, and return the rest to their queues. Never: serve HTTP routes.
 *
 * <p>Wiring, top to bottom: the external services' settings, the clock jobs judge due times by,
 * the CRM store (PostgreSQL, migrated at start), Redis, one outbound HTTP client, the recordings'
 * speech client (when {@code GOOGLE_SPEECH_ENDPOINT} is set), the job types' collaborators, the job runner.
 */
public final class WorkerRole implements AutoCloseable {

    private final RedisConnections redis;
    private final PostgresStore store;
    private final HttpClient http;
    private final JobRunner runner;
    private final RoleConfig config;
    private final java.util.Optional<AutoCloseable> speechClient;

    private WorkerRole(RoleConfig config, RedisConnections redis, PostgresStore store, HttpClient http,
                       JobRunner runner, java.util.Optional<AutoCloseable> speechClient) {
        this.speechClient = speechClient;
        this.config = config;
        this.redis = redis;
        this.store = store;
        this.http = http;
        this.runner = runner;
    }

    public static void main(String[] args) {
        RoleLauncher.run(ServiceRole.WORKER, WorkerRole::startUntilShutdown);
    }

    /** Starts, and stops gracefully when the JVM is asked to exit (SIGTERM, SIGINT). */
    public static WorkerRole startUntilShutdown(RoleConfig config) {
        WorkerRole worker = start(config);
        RoleThreads.onShutdown("sb-worker-shutdown", worker::close);
        return worker;
    }

    public static WorkerRole start(RoleConfig config) {
        return start(config, System.getenv());
    }

    /** As {@link #start(RoleConfig)}, reading the external services' settings from {@code environment}. */
    public static WorkerRole start(RoleConfig config, Map<String, String> environment) {
        WorkerIntegrations integrations = WorkerIntegrations.fromEnvironment(environment);
        TwilioAccount twilio = TwilioAccount.fromEnvironment(environment);
        NotificationSettings notifications = NotificationSettings.fromEnvironment(environment);
        DatabaseUrl databaseUrl = DatabaseUrl.parse(config.databaseUrl().orElseThrow(() -> new ConfigException(
                "DATABASE_URL must be set: the worker's jobs keep the CRM's records in PostgreSQL"
                        + " (./switchboard starts a private one when it is unset)")));
        Clock clock = Clock.systemUTC();
        Clock jobClock = jobClock(environment, clock);
        PostgresStore store = PostgresStore.start(databaseUrl, config.databasePoolSize(), clock);
        RedisConnections redis = RedisConnections.connect(config.redisUrl(),
                new RedisConnections.ReplicationWait(config.redisWait().replicas(), config.redisWait().timeout()));
        HttpClient http = httpClient();
        WorkerIntegrations.RecordingSpeech speech = integrations.recordingSpeech();
        JobRunner runner = new JobRunner(
                new JobRunner.Settings(workerName(), config.queues(), config.concurrency(), config.workerLease(),
                        config.maxLeaseExpiries()),
                new RedisJobClaims(redis, clock), new RedisJobMaintenance(redis, clock),
                new RedisWorkerRegistry(redis, clock),
                new JobCatalogue(collaborators(config, redis, store, integrations, twilio, speech, notifications, http,
                        clock, jobClock)));
        log().info("worker's services: " + integrations.describe() + "; " + twilio.describe());
        runner.start();
        return new WorkerRole(config, redis, store, http, runner, speech.client());
    }

    private static JobCollaborators collaborators(RoleConfig config, RedisConnections redis, PostgresStore store,
                                                  WorkerIntegrations integrations, TwilioAccount twilio,
                                                  WorkerIntegrations.RecordingSpeech speech,
                                                  NotificationSettings notifications,
                                                  HttpClient http, Clock clock, Clock jobClock) {
        OutboundGuard guard = outboundGuard(notifications, http);
        return storeCollaborators(store)
                .liveCalls(new RedisLiveCalls(redis))
                .prompts(new RedisPromptCache(redis))
                .chat(integrations.chatModel(http))
                .whatsApp(integrations.whatsAppGateway(http, clock))
                .webPush(webPush(notifications, redis, guard, clock))
                .webhooks(webhooks(notifications, guard, clock))
                .broadcastPacer(new RedisSendPacer(redis, integrations.broadcastRate()))
                .gmail(integrations.gmailMailbox(http, clock))
                .telephony(twilio.telephony(http))
                .callRecordings(twilio.callRecordings())
                .batchSpeech(speech.speech())
                .jobs(new RedisJobQueue(redis, clock, config.jobIdSecret()))
                .reminderRetention(notifications.reminderRetention())
                .clock(jobClock)
                .build();
    }

    /** The collaborators the PostgreSQL store provides: every repository (the worker tests use it too). */
    static JobCollaborators.Builder storeCollaborators(PostgresStore store) {
        return JobCollaborators.builder()
                .businesses(store.businesses()).leads(store.leads()).messages(store.messages())
                .sessions(store.whatsAppSessions()).pushSubscriptions(store.pushSubscriptions())
                .reminders(store.reminders()).webhookEndpoints(store.webhookEndpoints())
                .webhookDeliveries(store.webhookDeliveries()).broadcasts(store.broadcasts())
                .gmailConnections(store.gmailConnections()).callLogs(store.callLogs())
                .outboundCalls(store.outboundCalls()).recordings(store.recordings());
    }

    /**
     * The time the jobs judge what is due by (reminders, idle sessions, retention): the wall clock,
     * or in development and tests the scheduler's scaled time ({@code SCHEDULER_TIME_SCALE} and
     * {@code SCHEDULER_TIME_ORIGIN}, docs/scheduler.md), so jobs agree with the schedule that
     * enqueued them. Leases, the store's own created/updated stamps, tokens and signatures stay on
     * the wall clock.
     */
    private static Clock jobClock(Map<String, String> environment, Clock wall) {
        Clock jobClock = ScaledClock.fromEnvironment(environment, wall);
        if (jobClock instanceof ScaledClock scaled) {
            log().warning("SCHEDULER_TIME_SCALE=" + scaled.scale() + ": jobs judge what is due by a clock running "
                    + scaled.scale() + " times faster than real time (" + scaled + "); for development and testing only");
        }
        return jobClock;
    }

    /** Every request to a URL a business or a browser chose goes through this (docs/outbound.md). */
    private static OutboundGuard outboundGuard(NotificationSettings notifications, HttpClient http) {
        return new OutboundGuard(new OutboundGuard.Policy(notifications.allowPrivateDestinations(),
                notifications.allowPlainHttp()), OutboundGuard.HostResolver.SYSTEM, http);
    }

    /** VAPID keys from the environment, else the pair kept in Redis (generated by the first process). */
    private static WebPushSender webPush(NotificationSettings notifications, RedisConnections redis, OutboundGuard guard,
                                         Clock clock) {
        VapidKeyPair keys = VapidKeys.configuredOrKept(notifications.vapidPublicKey(), notifications.vapidPrivateKey(),
                new RedisVapidKeyStore(redis));
        return new HttpWebPushSender(new HttpWebPushSender.Settings(notifications.vapidSubject(),
                notifications.pushTimeout(), 2), keys, guard, clock);
    }

    private static WebhookSender webhooks(NotificationSettings notifications, OutboundGuard guard, Clock clock) {
        return new HttpWebhookSender(new HttpWebhookSender.Settings(notifications.webhookTimeout()), guard, clock);
    }

    /** One client for every outbound call of this process; its requests run on virtual threads. */
    private static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Unique per process start, readable in {@code rq info}. */
    private static String workerName() {
        String host = dev.switchboard.roles.common.HostNames.current();
        return host + "." + ProcessHandle.current().pid() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Not a static field: {@code main} is in this class, and a static logger would initialise
     * java.util.logging before {@code RoleLauncher} installs the shutdown-safe log manager, so the
     * shutdown's log lines (jobs returned to their queues) would be lost.
     */
    private static Logger log() {
        return Logger.getLogger(WorkerRole.class.getName());
    }

    @Override
    public void close() {
        runner.stop(config.workerGrace());
        speechClient.ifPresent(client -> {
            try {
                client.close();
            } catch (Exception e) {
                log().warning("closing the speech client failed: " + e);
            }
        });
        http.close();
        redis.close();
        store.close();
    }
}
