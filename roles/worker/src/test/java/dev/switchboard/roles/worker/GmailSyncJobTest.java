package dev.switchboard.roles.worker;

import dev.switchboard.adapters.http.HttpGmailMailbox;
import dev.switchboard.adapters.http.StandardWebhookSignature;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.domain.ConnectGmailService;
import dev.switchboard.domain.GmailSyncJob;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobCollaborators;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.ports.in.ConnectGmailCommand;
import dev.switchboard.ports.in.ConnectGmailUseCase;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.GmailConnection;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.testsupport.FakeGmail;
import dev.switchboard.testsupport.FakeWebhookReceiver;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gmail_sync_job} run by a real worker against real PostgreSQL and Redis and a fake Gmail
 * API and token endpoint ({@link FakeGmail}), which checks the OAuth client, the refresh token and
 * the bearer token of every call as Google does.
 */
class GmailSyncJobTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final String CLIENT_ID = "client-1.apps.googleusercontent.com";
    private static final String CLIENT_SECRET = "client-secret";
    private static final List<String> INBOX = List.of("INBOX", "UNREAD");
    private static final String SECRET = StandardWebhookSignature.newSecret(new java.security.SecureRandom());

    private final FakeGmail gmail = FakeGmail.start(CLIENT_ID, CLIENT_SECRET);
    private final FakeWebhookReceiver receiver = FakeWebhookReceiver.start(SECRET);
    private final String business = "biz-" + UUID.randomUUID();
    private final String token = "1//0g-" + UUID.randomUUID();
    private WorkerHarness worker;
    private PostgresStore store;
    private JobQueue queue;
    private ConnectGmailUseCase connect;

    @BeforeEach
    void start() {
        worker = new WorkerHarness(postgres, redis, 8);
        store = worker.store;
        queue = worker.queue;
        Clock clock = Clock.systemUTC();
        HttpGmailMailbox mailbox = new HttpGmailMailbox(new HttpGmailMailbox.Settings(URI.create(gmail.apiBase()),
                URI.create(gmail.tokenUri()), CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(5), 2, Duration.ofMillis(10),
                Duration.ofMillis(50)), worker.http, clock);
        JobCollaborators collaborators = worker.collaborators(clock)
                .webhooks(worker.webhooks(clock))
                .gmail(Optional.of(mailbox))
                .build();
        worker.start("gmail-worker", List.of("default", "low"), 4, new JobCatalogue(collaborators));
        connect = new ConnectGmailService(store.gmailConnections(), queue);
        gmail.addMailbox(token, "vendas@example.com");
    }

    @AfterEach
    void stop() {
        // The periodic sync visits every business's connections: leave none for the next test's fake.
        store.gmailConnections().list(business).forEach(c -> store.gmailConnections().delete(business, c.id()));
        worker.close();
        gmail.close();
        receiver.close();
    }

    private Lead lead(String businessId, String phone, String email) {
        Lead lead = store.leads().upsert(new LeadContact(businessId, Optional.of(phone), Optional.empty(), Optional.empty(),
                Optional.of("Maria"), "api")).lead();
        return store.leads().setEmail(businessId, lead.id(), Optional.of(email)).orElseThrow();
    }

    private GmailConnection connected(String email, String refreshToken) throws InterruptedException {
        ConnectGmailUseCase.GmailConnected connected = connect.connect(new ConnectGmailCommand(business, "t-connect",
                email, refreshToken));
        awaitFinished(connected.syncJobId());
        return store.gmailConnections().find(business, connected.connection().id()).orElseThrow();
    }

    /** The scheduler's slot: one sync per connected mailbox. */
    private void periodicSync(String slot) throws InterruptedException {
        String id = queue.enqueue(GmailSyncJob.DEFINITION.request(GmailSyncJob.Args.everyMailbox(),
                PeriodicJobs.SYSTEM_BUSINESS, slot)).jobId();
        awaitFinished(id);
        await("the mailbox syncs the slot started", () -> redis.commands().llen("rq:queue:low") == 0
                && redis.commands().zcard("rq:wip:low") == 0);
    }

    private List<ChatMessage> mailOf(Lead lead) {
        return store.messages().recent(lead.businessId(), lead.id(), 100).stream()
                .filter(m -> m.channel().equals("email")).toList();
    }

    @Test
    void aConnectedMailboxIsFullySyncedThenIncrementallyAndOnlyLeadsMailJoinsTheirConversation() throws Exception {
        Lead maria = lead(business, "+5511999990001", "Maria@Example.com");
        String fromMaria = gmail.deliver(token, "Maria Silva <maria@example.com>", "Proposta", INBOX);
        gmail.deliver(token, "Stranger <someone@elsewhere.com>", "Spam", INBOX);
        gmail.deliver(token, "vendas@example.com", "Our own reply", List.of("SENT"));

        GmailConnection connection = connected("vendas@example.com", token);
        assertEquals(Optional.of(BigInteger.valueOf(gmail.currentHistoryId(token))), connection.historyId());
        assertTrue(connection.lastSyncedAt().isPresent());
        List<ChatMessage> mail = mailOf(maria);
        assertEquals(1, mail.size(), mail.toString());
        assertEquals(Optional.of("Proposta"), mail.getFirst().text());
        assertEquals(ChatMessage.Direction.INBOUND, mail.getFirst().direction());
        assertEquals(Optional.of("Maria Silva"), mail.getFirst().authorName());
        assertEquals(1, gmail.calls().get("messages.list"), "one full sync");
        assertTrue(gmail.calls().get("messages.get") >= 2, "the inbox mail, read once each");

        String again = gmail.deliver(token, "maria@example.com", "Re: Proposta", INBOX);
        gmail.deliver(token, "other@elsewhere.com", "Hello", INBOX);
        periodicSync("gmail_sync_job@1");
        await("the new mail on Maria's conversation", () -> mailOf(maria).size() == 2);
        assertEquals(1, gmail.calls().get("messages.list"), "incremental: no second listing");
        assertTrue(gmail.calls().get("history.list") >= 1);
        assertEquals(Optional.of("Re: Proposta"), mailOf(maria).getLast().text());
        assertEquals(BigInteger.valueOf(gmail.currentHistoryId(token)),
                store.gmailConnections().find(business, connection.id()).orElseThrow().historyId().orElseThrow());
        assertFalse(fromMaria.equals(again));

        int gets = gmail.calls().get("messages.get");
        periodicSync("gmail_sync_job@2");
        assertEquals(gets, gmail.calls().get("messages.get"), "nothing new: nothing fetched");
        assertEquals(2, mailOf(maria).size());
    }

    @Test
    void anExpiredHistoryIdFallsBackToAFullSyncAndAnExpiredAccessTokenIsRefreshed() throws Exception {
        Lead maria = lead(business, "+5511999990002", "maria@example.com");
        GmailConnection connection = connected("vendas@example.com", token);
        int tokens = gmail.calls().get("token");

        gmail.deliver(token, "maria@example.com", "While the history expired", INBOX);
        gmail.expireHistoryBefore(token);
        gmail.expireAccessTokens();
        periodicSync("gmail_sync_job@1");

        await("the mail, found by the full resync", () -> mailOf(maria).size() == 1);
        assertEquals(2, gmail.calls().get("messages.list"), "the 404 on history sent it to a full sync");
        assertEquals(tokens + 1, gmail.calls().get("token"), "the 401 got a fresh access token");
        GmailConnection after = store.gmailConnections().find(business, connection.id()).orElseThrow();
        assertEquals(Optional.of(BigInteger.valueOf(gmail.currentHistoryId(token))), after.historyId());
        assertTrue(after.active());
    }

    @Test
    void aRateLimitedSyncIsRetriedNotBeforeGooglesWaitAndThenAttachesTheMail() throws Exception {
        Lead maria = lead(business, "+5511999990003", "maria@example.com");
        GmailConnection connection = connected("vendas@example.com", token);
        gmail.deliver(token, "maria@example.com", "Despite the 429", INBOX);
        // More 429s than the client's own attempts (2): the job must hand the wait to the queue.
        gmail.failNext(2, 429, "rateLimitExceeded", "90");
        String fanOut = queue.enqueue(GmailSyncJob.DEFINITION.request(GmailSyncJob.Args.everyMailbox(),
                PeriodicJobs.SYSTEM_BUSINESS, "slot-429")).jobId();
        awaitFinished(fanOut);

        await("the mailbox's sync to wait for its retry", () -> redis.commands().zcard("rq:scheduled:low") == 1);
        String retrying = redis.commands().zrange("rq:scheduled:low", 0, -1).getFirst();
        double due = redis.commands().zscore("rq:scheduled:low", retrying);
        double redisNow = Double.parseDouble(redis.commands().time().getFirst());
        assertTrue(due - redisNow >= 85, "not before Retry-After (90 s), was in " + (due - redisNow) + " s");
        assertTrue(store.gmailConnections().find(business, connection.id()).orElseThrow().lastError().orElseThrow()
                .contains("429"));
        assertEquals(0, mailOf(maria).size());

        // The next slot comes within Google's wait: it leaves the mailbox alone (it used to queue a
        // sync that asked Google again, every 5 minutes, however long the wait).
        Map<String, Integer> callsBefore = gmail.calls();
        periodicSync("slot-429-next");
        assertEquals(callsBefore, gmail.calls(), "no call to Gmail within its wait");
        assertEquals(0, mailOf(maria).size());
        assertEquals(1L, redis.commands().zcard("rq:scheduled:low"), "only the retry waits");

        // Time passes: the retry falls due.
        redis.commands().zadd("rq:scheduled:low", 0, retrying);
        awaitFinished(retrying);
        assertEquals(1, mailOf(maria).size());
        assertEquals(Optional.empty(), store.gmailConnections().find(business, connection.id()).orElseThrow().lastError());
        assertEquals(0L, redis.commands().zcard("rq:failed:low"));
        // The sync went through, so the wait is over: the next slot visits the mailbox again.
        int listedBefore = gmail.calls().getOrDefault("history.list", 0);
        periodicSync("slot-after-the-wait");
        assertTrue(gmail.calls().getOrDefault("history.list", 0) > listedBefore, "synced again: " + gmail.calls());
    }

    @Test
    void aRevokedTokenStopsTheMailboxWithoutFailingTheJobUntilTheBusinessConnectsAgain() throws Exception {
        lead(business, "+5511999990004", "maria@example.com");
        GmailConnection connection = connected("vendas@example.com", token);
        gmail.revoke(token);
        gmail.expireAccessTokens();
        periodicSync("gmail_sync_job@1");

        GmailConnection refused = store.gmailConnections().find(business, connection.id()).orElseThrow();
        assertEquals(GmailConnection.RECONNECT_NEEDED, refused.status());
        assertTrue(refused.lastError().orElseThrow().contains("invalid_grant"), refused.lastError().toString());
        assertEquals(0L, redis.commands().zcard("rq:failed:low"), "a business's revoked token is not our failure");

        int calls = gmail.calls().values().stream().mapToInt(Integer::intValue).sum();
        periodicSync("gmail_sync_job@2");
        assertEquals(calls, gmail.calls().values().stream().mapToInt(Integer::intValue).sum(), "not polled any more");

        String fresh = "1//0g-fresh-" + UUID.randomUUID();
        gmail.addMailbox(fresh, "vendas@example.com");
        GmailConnection reconnected = connected("vendas@example.com", fresh);
        assertEquals(connection.id(), reconnected.id());
        assertTrue(reconnected.active());
        assertEquals(Optional.empty(), reconnected.lastError());
    }

    @Test
    void aTokenOfAnotherMailboxIsRefusedAndNamed() throws Exception {
        GmailConnection wrong = connected("compras@example.com", token);
        assertEquals(GmailConnection.RECONNECT_NEEDED, wrong.status());
        assertTrue(wrong.lastError().orElseThrow().contains("vendas@example.com"), wrong.lastError().toString());
        assertEquals(Optional.empty(), wrong.historyId());
    }

    /**
     * A long incremental sync keeps its place page by page: when a later page fails, what the
     * earlier pages brought is attached and the history id saved after them, and the next sync
     * goes on from there, attaching each message once.
     */
    @Test
    void anIncrementalSyncThatFailsOnALaterPageKeepsWhatItDid() throws Exception {
        Lead maria = lead(business, "+5511999990009", "maria@example.com");
        GmailConnection synced = connected("vendas@example.com", token);
        BigInteger before = synced.historyId().orElseThrow();
        for (int i = 0; i < 5; i++) {
            gmail.deliver(token, "Maria <maria@example.com>", "Pedido " + i, List.of("INBOX"));
        }
        gmail.maxPageSize(2);
        gmail.failNextPage(400, "invalidArgument");
        periodicSync("gmail_sync_job@page-1");

        GmailConnection partly = store.gmailConnections().find(business, synced.id()).orElseThrow();
        assertEquals(2, mailOf(maria).size(), "the first page's two messages");
        assertTrue(partly.historyId().orElseThrow().compareTo(before) > 0, "saved after the first page");
        assertTrue(partly.historyId().orElseThrow().compareTo(BigInteger.valueOf(gmail.currentHistoryId(token))) < 0);

        periodicSync("gmail_sync_job@page-2");
        assertEquals(5, mailOf(maria).size(), "the rest, each once");
        assertEquals(BigInteger.valueOf(gmail.currentHistoryId(token)),
                store.gmailConnections().find(business, synced.id()).orElseThrow().historyId().orElseThrow());
    }

    /** The wrong Google account picked at consent, then the right one: the right one is synced at once. */
    @Test
    void aReconnectWithTheRightTokenIsNotServedTheWrongTokensAccess() throws Exception {
        String others = "1//0g-other-" + UUID.randomUUID();
        gmail.addMailbox(others, "compras@example.com");
        GmailConnection wrong = connected("vendas@example.com", others);
        assertEquals(GmailConnection.RECONNECT_NEEDED, wrong.status());
        GmailConnection right = connected("vendas@example.com", token);
        assertEquals(wrong.id(), right.id());
        assertTrue(right.active(), right.lastError().toString());
        assertTrue(right.historyId().isPresent(), "synced");
    }

    /** A reconnect keeps the history id, so its sync is incremental: it checks the address all the same. */
    @Test
    void aSyncedMailboxReconnectedWithAnotherMailboxsTokenIsRefused() throws Exception {
        GmailConnection synced = connected("vendas@example.com", token);
        assertTrue(synced.historyId().isPresent());
        String others = "1//0g-other-" + UUID.randomUUID();
        gmail.addMailbox(others, "compras@example.com");
        GmailConnection swapped = connected("vendas@example.com", others);
        assertEquals(GmailConnection.RECONNECT_NEEDED, swapped.status());
        assertTrue(swapped.lastError().orElseThrow().contains("compras@example.com"), swapped.lastError().toString());
    }

    @Test
    void mailFromAnAddressReachesOnlyThisBusinesssLeadAndIsPublishedOnce() throws Exception {
        Lead ours = lead(business, "+5511999990005", "maria@example.com");
        String other = "biz-" + UUID.randomUUID();
        Lead theirs = lead(other, "+5511999990005", "maria@example.com");
        store.webhookEndpoints().create(business, URI.create(receiver.url()), Set.of("message.received"), SECRET);
        gmail.deliver(token, "maria@example.com", "Orçamento", INBOX);

        connected("vendas@example.com", token);
        periodicSync("gmail_sync_job@1");
        assertEquals(1, mailOf(ours).size());
        assertEquals(0, mailOf(theirs).size(), "another business's lead with the same address");
        await("the message.received webhook", () -> receiver.accepted().size() == 1);
        Thread.sleep(300);
        String body = receiver.accepted().values().iterator().next();
        assertTrue(body.contains("\"channel\":\"email\"") && body.contains("Orçamento"), body);
        assertEquals(1, receiver.attempts().stream().filter(a -> a.answered() == 200).count(), "delivered once");
    }

    private void awaitFinished(String jobId) throws InterruptedException {
        await("job " + jobId + " to finish", () -> "finished".equals(redis.commands().hget("rq:job:" + jobId, "status")));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }
}
