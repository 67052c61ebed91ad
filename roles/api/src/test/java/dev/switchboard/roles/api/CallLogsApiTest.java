package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.ports.out.CallLogEnd;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.StoredRecording;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/calls} and {@code GET /api/calls/{call_sid}} over real HTTP against real
 * PostgreSQL: newest first in pages, a call with its turns, duration, outcome and transcript; and
 * one business never sees another's call, not even under the same call sid.
 */
class CallLogsApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-30T09:00:00Z");
    private static final String SID = "CA0123456789abcdef0123456789abcdef";

    private static ApiFixture api;
    private static PostgresStore store;
    private static final List<String> sids = new ArrayList<>();

    @BeforeAll
    static void start() {
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
        api = new ApiFixture(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl()));
        for (int i = 0; i < 5; i++) {
            String sid = "CA" + String.format("%032d", i);
            sids.add(sid);
            store.callLogs().open(call("biz-a", sid, START.plus(Duration.ofMinutes(i))));
        }
        store.callLogs().open(call("biz-a", SID, START.plus(Duration.ofHours(1))));
        store.callLogs().saveTurn("biz-a", SID, new CallTurn(0, "agent", "Hello! How can I help?", START.plus(Duration.ofHours(1))));
        store.callLogs().saveTurn("biz-a", SID, new CallTurn(1, "caller", "Are you open on Sunday?",
                START.plus(Duration.ofHours(1)).plusSeconds(6)));
        String lead = store.leads().upsert(new LeadContact("biz-a", Optional.of("+5511988887777"), Optional.empty(),
                Optional.empty(), Optional.empty(), "call")).lead().id();
        store.callLogs().linkLead("biz-a", SID, lead);
        store.callLogs().finalizeOnce("biz-a", SID, new CallLogEnd("completed",
                Optional.of(START.plus(Duration.ofHours(1)).plusSeconds(75)), Optional.empty()), log -> { });
        // Business b has a call under the same sid (a provider bug, or a guess): it stays b's.
        store.callLogs().open(call("biz-b", SID, START));
        store.callLogs().saveTurn("biz-b", SID, new CallTurn(0, "caller", "b's secret", START));
        // Recordings join their call by business and call sid; b's recording of its own call
        // under the same sid stays b's.
        store.recordings().save(new StoredRecording("biz-a", "RE" + "a".repeat(32), SID,
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "a".repeat(32), Optional.of(74),
                Optional.of("Are you open on Sunday? Yes, from ten to four."), StoredRecording.TRANSCRIBED,
                START.plus(Duration.ofHours(1)).plusSeconds(80), Optional.empty()));
        store.recordings().save(new StoredRecording("biz-b", "RE" + "b".repeat(32), SID, "u", Optional.empty(),
                Optional.of("b's recorded secret"), StoredRecording.TRANSCRIBED, START, Optional.empty()));
        store.recordings().save(new StoredRecording("biz-a", "RE" + "f".repeat(32), sids.get(1), "u", Optional.of(9),
                Optional.empty(), StoredRecording.FAILED, START, Optional.empty(),
                Optional.of("speech-to-text refused the recording: INVALID_ARGUMENT")));
    }

    @Test
    void aRecordingThatCouldNotBeTranscribedSaysWhy() throws Exception {
        JsonNode recording = json(get("/api/calls/" + sids.get(1), ApiFixture.BIZ_A_TOKEN)).get("recordings").get(0);
        assertEquals("failed", recording.get("status").asText());
        assertEquals("speech-to-text refused the recording: INVALID_ARGUMENT", recording.get("failure_reason").asText());
        assertTrue(recording.get("transcript").isNull());
    }

    @AfterAll
    static void stop() {
        api.close();
        store.close();
    }

    private static CallLogStart call(String business, String sid, Instant at) {
        return new CallLogStart(business, sid, "inbound", Optional.of("+5511988887777"), Optional.of("+5511999990000"),
                Optional.of("MZ" + sid.substring(2)), at);
    }

    private static HttpResponse<String> get(String path, String token) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void listsTheCallersCallsNewestFirstInPagesWithTheTotal() throws Exception {
        HttpResponse<String> first = get("/api/calls?limit=2", ApiFixture.BIZ_A_TOKEN);
        assertEquals(200, first.statusCode(), first.body());
        JsonNode page = json(first);
        assertEquals(6, page.get("total").asInt());
        assertEquals(SID, page.get("calls").get(0).get("call_sid").asText());
        assertEquals(sids.get(4), page.get("calls").get(1).get("call_sid").asText());
        assertEquals("completed", page.get("calls").get(0).get("outcome").asText());
        assertEquals("open", page.get("calls").get(1).get("status").asText());
        JsonNode last = json(get("/api/calls?offset=5&limit=2", ApiFixture.BIZ_A_TOKEN));
        assertEquals(1, last.get("calls").size());
        assertEquals(sids.get(0), last.get("calls").get(0).get("call_sid").asText());
    }

    @Test
    void aCallComesWithItsTurnsDurationOutcomeAndTranscript() throws Exception {
        HttpResponse<String> response = get("/api/calls/" + SID, ApiFixture.BIZ_A_TOKEN);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode call = json(response);
        assertEquals(75, call.get("duration_seconds").asInt());
        assertEquals("completed", call.get("outcome").asText());
        assertEquals("ended", call.get("status").asText());
        assertTrue(call.get("lead_id").isTextual());
        assertEquals("agent: Hello! How can I help?\ncaller: Are you open on Sunday?", call.get("transcript").asText());
        assertEquals(2, call.get("turns").size());
        assertEquals("caller", call.get("turns").get(1).get("speaker").asText());
        assertEquals(1, call.get("turns").get(1).get("seq").asInt());
        assertTrue(call.toString().indexOf("b's secret") < 0, call.toString());
        assertEquals(1, call.get("recordings").size(), call.toString());
        JsonNode recording = call.get("recordings").get(0);
        assertEquals("RE" + "a".repeat(32), recording.get("recording_sid").asText());
        assertEquals("transcribed", recording.get("status").asText());
        assertEquals(74, recording.get("duration_seconds").asInt());
        assertEquals("Are you open on Sunday? Yes, from ten to four.", recording.get("transcript").asText());
        assertTrue(recording.get("deleted_at").isNull());
        assertTrue(recording.get("failure_reason").isNull());
        assertTrue(call.toString().indexOf("recorded secret") < 0 && call.toString().indexOf("api.twilio.com") < 0,
                "neither b's recording nor the media URL: " + call);
        assertEquals(0, json(get("/api/calls/" + sids.get(0), ApiFixture.BIZ_A_TOKEN)).get("recordings").size());
    }

    @Test
    void anotherBusinesssCallIsNotFoundExactlyLikeAMissingOne() throws Exception {
        HttpResponse<String> theirs = get("/api/calls/" + sids.get(0), ApiFixture.BIZ_B_TOKEN);
        HttpResponse<String> missing = get("/api/calls/CA99999999999999999999999999999999", ApiFixture.BIZ_B_TOKEN);
        assertEquals(404, theirs.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals(missing.body(), theirs.body());
        assertEquals(404, get("/api/calls/not-a-sid!", ApiFixture.BIZ_A_TOKEN).statusCode());
        JsonNode own = json(get("/api/calls/" + SID, ApiFixture.BIZ_B_TOKEN));
        assertEquals("b's secret", own.get("transcript").asText().replace("caller: ", ""), "b sees its own call");
        assertEquals("b's recorded secret", own.get("recordings").get(0).get("transcript").asText());
        assertEquals(1, own.get("recordings").size());
        assertEquals(1, json(get("/api/calls", ApiFixture.BIZ_B_TOKEN)).get("total").asInt());
    }

    @Test
    void theAdminNamesTheBusinessAndNothingWorksWithoutAToken() throws Exception {
        assertEquals(6, json(get("/api/calls?business_id=biz-a", ApiFixture.ADMIN_TOKEN)).get("total").asInt());
        assertEquals(400, get("/api/calls", ApiFixture.ADMIN_TOKEN).statusCode(), "the admin must name the business");
        assertEquals(401, get("/api/calls", "wrong-token-0123456789abcdef-0123").statusCode());
        HttpResponse<String> none = api.send(HttpRequest.newBuilder(api.uri("/api/calls")).GET().build());
        assertEquals(401, none.statusCode());
    }

    @Test
    void badPagingIs400WithAReason() throws Exception {
        for (String query : List.of("limit=0", "limit=201", "offset=-1", "limit=abc")) {
            HttpResponse<String> response = get("/api/calls?" + query, ApiFixture.BIZ_A_TOKEN);
            assertEquals(400, response.statusCode(), query);
            assertTrue(json(response).get("error").isTextual(), response.body());
        }
    }
}
