package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.GmailAccount;
import dev.switchboard.ports.out.GmailException;
import dev.switchboard.ports.out.GmailHistoryPage;
import dev.switchboard.ports.out.GmailMailbox;
import dev.switchboard.ports.out.GmailMessage;
import dev.switchboard.ports.out.GmailMessagePage;
import dev.switchboard.testsupport.FakeGmail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gmail client against a fake Gmail API and token endpoint. */
class HttpGmailMailboxTest {
    private static final String REFRESH = "1//0g-refresh-token";
    private static final List<String> INBOX = List.of("INBOX", "UNREAD");

    private final FakeGmail gmail = FakeGmail.start("client-1.apps.googleusercontent.com", "client-secret");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final GmailAccount account = new GmailAccount("conn-1", REFRESH);

    HttpGmailMailboxTest() {
        gmail.addMailbox(REFRESH, "vendas@example.com");
    }

    @AfterEach
    void stop() {
        gmail.close();
        http.close();
    }

    private HttpGmailMailbox mailbox(String clientSecret) {
        return new HttpGmailMailbox(new HttpGmailMailbox.Settings(URI.create(gmail.apiBase()), URI.create(gmail.tokenUri()),
                "client-1.apps.googleusercontent.com", clientSecret, Duration.ofSeconds(5), 3, Duration.ofMillis(10),
                Duration.ofMillis(50)), http, Clock.systemUTC());
    }

    private HttpGmailMailbox mailbox() {
        return mailbox("client-secret");
    }

    @Test
    void fullSyncListsInboxMessagesNewestFirstWithTheirMetadata() {
        String older = gmail.deliver(REFRESH, "Maria <maria@example.com>", "Proposta", INBOX);
        gmail.deliver(REFRESH, "vendas@example.com", "Enviado", List.of("SENT"));
        String newer = gmail.deliver(REFRESH, "Ana <ana@example.com>", "Dúvida", INBOX);
        GmailMailbox.Profile profile = mailbox().profile(account);
        assertEquals("vendas@example.com", profile.emailAddress());
        assertEquals(BigInteger.valueOf(gmail.currentHistoryId(REFRESH)), profile.historyId());
        GmailMessagePage page = mailbox().recentInboxMessages(account, 30, Optional.empty());
        assertEquals(List.of(newer, older), page.messageIds());
        GmailMessage message = mailbox().message(account, older).orElseThrow();
        assertEquals(Optional.of("Maria <maria@example.com>"), message.header("From"));
        assertEquals(Optional.of("Proposta"), message.header("subject"));
        assertTrue(message.labelIds().contains("INBOX"));
    }

    @Test
    void incrementalSyncSeesOnlyNewInboxMessagesAndTheCurrentHistoryId() {
        gmail.deliver(REFRESH, "a@example.com", "before", INBOX);
        BigInteger start = mailbox().profile(account).historyId();
        String a = gmail.deliver(REFRESH, "a@example.com", "one", INBOX);
        gmail.deliver(REFRESH, "me@example.com", "sent", List.of("SENT"));
        gmail.deliver(REFRESH, "me@example.com", "draft", List.of("DRAFT"));
        String c = gmail.deliver(REFRESH, "c@example.com", "two", INBOX);
        GmailHistoryPage page = mailbox().addedSince(account, start, Optional.empty());
        assertEquals(List.of(a, c), page.addedMessageIds());
        assertEquals(BigInteger.valueOf(gmail.currentHistoryId(REFRESH)), page.historyId());
        assertTrue(page.nextPageToken().isEmpty());
        assertTrue(mailbox().addedSince(account, page.historyId(), Optional.empty()).addedMessageIds().isEmpty(),
                "nothing new: the fake omits `history`");
    }

    @Test
    void historyPagesAtFiveHundred() {
        BigInteger start = mailbox().profile(account).historyId();
        for (int i = 0; i < 520; i++) {
            gmail.deliver(REFRESH, "x@example.com", "m" + i, INBOX);
        }
        GmailHistoryPage first = mailbox().addedSince(account, start, Optional.empty());
        assertEquals(500, first.addedMessageIds().size());
        GmailHistoryPage second = mailbox().addedSince(account, start, first.nextPageToken());
        assertEquals(20, second.addedMessageIds().size());
        assertTrue(second.nextPageToken().isEmpty());
    }

    @Test
    void anExpiredHistoryIdAsksForAFullResync() {
        BigInteger start = mailbox().profile(account).historyId();
        gmail.expireHistoryBefore(REFRESH);
        GmailException e = assertThrows(GmailException.class, () -> mailbox().addedSince(account, start, Optional.empty()));
        assertEquals(GmailException.Reason.HISTORY_EXPIRED, e.reason());
    }

    @Test
    void aMessageDeletedMeanwhileIsEmpty() {
        String id = gmail.deliver(REFRESH, "a@example.com", "gone soon", INBOX);
        gmail.delete(REFRESH, id);
        assertTrue(mailbox().message(account, id).isEmpty());
    }

    @Test
    void theAccessTokenIsCachedAndRefreshedOnceWhenRefused() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        mailbox.profile(account);
        assertEquals(1, gmail.calls().get("token"));
        gmail.expireAccessTokens();
        mailbox.profile(account);
        assertEquals(2, gmail.calls().get("token"));
        assertEquals(4, gmail.calls().get("profile"), "two, then a 401 and its retry");
    }

    @Test
    void aRevokedRefreshTokenNeedsTheBusinessToReconnect() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        gmail.revoke(REFRESH);
        GmailException e = assertThrows(GmailException.class, () -> mailbox.profile(account));
        assertEquals(GmailException.Reason.RECONNECT_NEEDED, e.reason());
    }

    @Test
    void aWrongClientSecretIsAConfigurationError() {
        GmailException e = assertThrows(GmailException.class, () -> mailbox("wrong").profile(account));
        assertEquals(GmailException.Reason.REJECTED, e.reason());
        assertEquals(401, e.status());
    }

    @Test
    void rateLimitsAreBackedOffAndRetried() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        gmail.failNext(1, 429, "rateLimitExceeded", null);
        gmail.failNext(1, 403, "userRateLimitExceeded", null);
        assertEquals("vendas@example.com", mailbox.profile(account).emailAddress());
        assertEquals(4, gmail.calls().get("profile"));
    }

    @Test
    void lastingTroubleIsRetryLaterWithTheServersRetryAfter() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        gmail.failNext(3, 503, "backendError", "30");
        GmailException e = assertThrows(GmailException.class, () -> mailbox.profile(account));
        assertEquals(GmailException.Reason.RETRY_LATER, e.reason());
        assertEquals(Optional.of(Duration.ofSeconds(30)), e.retryAfter());
    }

    @Test
    void badRequestsAreRejected() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        gmail.failNext(1, 400, "invalidArgument", null);
        assertEquals(GmailException.Reason.REJECTED,
                assertThrows(GmailException.class, () -> mailbox.profile(account)).reason());
    }

    /**
     * A mailbox that refuses the token for good (no read scope, a Workspace policy) is for the
     * business to fix by connecting again: RECONNECT_NEEDED stops its polling, where REJECTED
     * failed a job every 5 minutes forever.
     */
    @Test
    void aMailboxThatRefusesTheTokenNeedsTheBusinessToReconnect() {
        HttpGmailMailbox mailbox = mailbox();
        mailbox.profile(account);
        for (String reason : new String[] {"insufficientPermissions", "domainPolicy"}) {
            gmail.failNext(1, 403, reason, null);
            GmailException e = assertThrows(GmailException.class, () -> mailbox.profile(account));
            assertEquals(GmailException.Reason.RECONNECT_NEEDED, e.reason(), reason);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }

    @Test
    void settingsNeverPrintTheClientSecret() {
        assertTrue(!mailbox().toString().contains("client-secret"));
        assertTrue(!new HttpGmailMailbox.Settings(URI.create("https://g"), URI.create("https://t"), "id", "s3cr3t",
                Duration.ofSeconds(1), 1, Duration.ofSeconds(1), Duration.ofSeconds(1)).toString().contains("s3cr3t"));
    }
}
