package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.adapters.postgres.DatabaseUrl;
import dev.switchboard.adapters.postgres.PostgresStore;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadContact;
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
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CRM's routes over real HTTP against real PostgreSQL: paging and phone search, a lead with
 * its conversation, the caller's business; and one business never sees another's rows.
 */
class CrmApiTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApiFixture api;
    private static PostgresStore store;
    private static Lead maria;
    private static Lead other;

    @BeforeAll
    static void start() {
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 2);
        api = new ApiFixture(redis.url(), Map.of("DATABASE_URL", postgres.databaseUrl()));
        maria = store.leads().upsert(contact("biz-a", "+5511999990000", "Maria Silva")).lead();
        for (int i = 0; i < 30; i++) {
            store.leads().upsert(contact("biz-a", "+55118888800" + String.format("%02d", i), "Lead " + i));
        }
        other = store.leads().upsert(contact("biz-b", "+5511999990000", "Maria of B")).lead();
        store.messages().append(new ChatMessage("biz-a", maria.id(), "3EB0IN", ChatMessage.Direction.INBOUND,
                "whatsapp", "conversation", Optional.of("Oi"), Instant.parse("2026-11-30T10:00:00Z"), Optional.of("Maria")));
        store.messages().append(new ChatMessage("biz-a", maria.id(), "3EB0OUT", ChatMessage.Direction.OUTBOUND,
                "whatsapp", "text", Optional.of("Olá!"), Instant.parse("2026-11-30T10:00:05Z"), Optional.empty()));
    }

    @AfterAll
    static void stop() {
        api.close();
        store.close();
    }

    private static LeadContact contact(String business, String phone, String name) {
        return new LeadContact(business, Optional.of(phone), Optional.of(phone.substring(1) + "@s.whatsapp.net"),
                Optional.empty(), Optional.of(name), "whatsapp");
    }

    private static HttpResponse<String> get(String path, String token) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private static HttpResponse<String> put(String path, String token, String body) {
        return api.send(HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void listsTheCallersLeadsNewestFirstInPagesWithTheTotal() throws Exception {
        JsonNode first = json(get("/api/leads?limit=10", ApiFixture.BIZ_A_TOKEN));
        assertEquals(31, first.get("total").asInt());
        assertEquals(10, first.get("leads").size());
        JsonNode last = json(get("/api/leads?offset=30&limit=10", ApiFixture.BIZ_A_TOKEN));
        assertEquals(1, last.get("leads").size());
        assertEquals(maria.id(), last.get("leads").get(0).get("id").asText(), "the oldest lead comes last");
        for (JsonNode lead : first.get("leads")) {
            assertFalse(lead.get("id").asText().equals(other.id()), "never another business's lead");
        }
    }

    @Test
    void searchesByPhoneDigits() throws Exception {
        JsonNode found = json(get("/api/leads?phone=%2B5511999990000", ApiFixture.BIZ_A_TOKEN));
        assertEquals(1, found.get("total").asInt());
        assertEquals("Maria Silva", found.get("leads").get(0).get("name").asText());
        assertEquals("+5511999990000", found.get("leads").get(0).get("phone").asText());
        assertEquals(30, json(get("/api/leads?phone=888880", ApiFixture.BIZ_A_TOKEN)).get("total").asInt());
    }

    @Test
    void aLeadComesWithItsConversationOldestFirst() throws Exception {
        JsonNode lead = json(get("/api/leads/" + maria.id(), ApiFixture.BIZ_A_TOKEN));
        assertEquals("Maria Silva", lead.get("name").asText());
        JsonNode conversation = lead.get("conversation");
        assertEquals(2, conversation.size());
        assertEquals("inbound", conversation.get(0).get("direction").asText());
        assertEquals("Oi", conversation.get(0).get("text").asText());
        assertEquals("outbound", conversation.get(1).get("direction").asText());
        assertEquals("3EB0OUT", conversation.get(1).get("id").asText());
    }

    @Test
    void anotherBusinesssLeadIsNotFoundExactlyLikeAMissingOne() throws Exception {
        HttpResponse<String> theirs = get("/api/leads/" + other.id(), ApiFixture.BIZ_A_TOKEN);
        HttpResponse<String> missing = get("/api/leads/00000000-0000-0000-0000-000000000000", ApiFixture.BIZ_A_TOKEN);
        assertEquals(404, theirs.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals(missing.body(), theirs.body());
        assertEquals(200, get("/api/leads/" + other.id(), ApiFixture.BIZ_B_TOKEN).statusCode());
        assertEquals(404, get("/api/leads/not-a-uuid", ApiFixture.BIZ_A_TOKEN).statusCode());
        // UUID.fromString takes this non-canonical form; PostgreSQL's ::uuid refuses it (it was a 500).
        assertEquals(404, get("/api/leads/000000000-000-0000-0000-000000000000", ApiFixture.BIZ_A_TOKEN).statusCode());
    }

    @Test
    void theAdminNamesTheBusinessAndNothingWorksWithoutAToken() throws Exception {
        assertEquals(400, get("/api/leads", ApiFixture.ADMIN_TOKEN).statusCode());
        assertEquals(1, json(get("/api/leads?business_id=biz-b", ApiFixture.ADMIN_TOKEN)).get("total").asInt());
        assertEquals(401, api.get("/api/leads").statusCode());
        assertEquals(401, get("/api/business", ApiFixture.BIZ_A_TOKEN + "x").statusCode());
    }

    @Test
    void theCallerSavesItsOwnBusinessOnly() throws Exception {
        HttpResponse<String> saved = put("/api/business", ApiFixture.BIZ_B_TOKEN, """
                {"name":"Acme Solar","zone":"America/Sao_Paulo","agent_prompt":"We install solar panels.",
                 "settings":{"language":"pt"}}""");
        assertEquals(200, saved.statusCode(), saved.body());
        JsonNode mine = json(get("/api/business", ApiFixture.BIZ_B_TOKEN));
        assertEquals("Acme Solar", mine.get("name").asText());
        assertEquals("America/Sao_Paulo", mine.get("zone").asText());
        assertEquals("pt", mine.get("settings").get("language").asText());
        assertEquals("biz-a", json(get("/api/business", ApiFixture.BIZ_A_TOKEN)).get("name").asText(),
                "business a is untouched (still unconfigured)");
        assertEquals("Acme Solar", store.businesses().find("biz-b").orElseThrow().name());
    }

    @Test
    void badBusinessBodiesAre400WithAReasonAndChangeNothing() throws Exception {
        for (String body : new String[] {"{}", "{\"name\":\"X\",\"zone\":\"Mars/Olympus\"}", "[]",
                "{\"name\":\"X\",\"color\":\"red\"}", "{\"name\":\"" + "n".repeat(201) + "\"}",
                "{\"name\":\"X\",\"settings\":{\"a\":1}}", "{\"name\":7}"}) {
            HttpResponse<String> refused = put("/api/business", ApiFixture.BIZ_A_TOKEN, body);
            assertEquals(400, refused.statusCode(), body + " -> " + refused.body());
            assertTrue(json(refused).get("error").asText().length() > 5, refused.body());
        }
        assertEquals("biz-a", store.businesses().find("biz-a").map(b -> b.name()).orElse("biz-a"),
                "nothing was written: business a is still unconfigured");
    }

    @Test
    void badPagingIs400() {
        assertEquals(400, get("/api/leads?limit=0", ApiFixture.BIZ_A_TOKEN).statusCode());
        assertEquals(400, get("/api/leads?limit=201", ApiFixture.BIZ_A_TOKEN).statusCode());
        assertEquals(400, get("/api/leads?offset=-1", ApiFixture.BIZ_A_TOKEN).statusCode());
        assertEquals(400, get("/api/leads?phone=abc", ApiFixture.BIZ_A_TOKEN).statusCode());
    }
}
