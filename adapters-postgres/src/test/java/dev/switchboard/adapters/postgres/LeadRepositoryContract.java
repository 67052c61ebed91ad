package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.Lead;
import dev.switchboard.ports.out.LeadConflictException;
import dev.switchboard.ports.out.LeadContact;
import dev.switchboard.ports.out.LeadPage;
import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.LeadUpsert;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link LeadRepository} must do, whatever stores it. */
abstract class LeadRepositoryContract {

    abstract LeadRepository leads();

    static String business() {
        return "biz-" + UUID.randomUUID();
    }

    static LeadContact phoneContact(String business, String phone) {
        return new LeadContact(business, Optional.of(phone), Optional.of(phone.substring(1) + "@s.whatsapp.net"),
                Optional.empty(), Optional.of("Ana"), "whatsapp");
    }

    static LeadContact lidContact(String business, String lid) {
        return new LeadContact(business, Optional.empty(), Optional.of(lid), Optional.of(lid), Optional.empty(), "whatsapp");
    }

    @Test
    void firstUpsertCreatesTheLeadAndTheSecondFindsIt() {
        String business = business();
        LeadUpsert first = leads().upsert(phoneContact(business, "+5511999990001"));
        LeadUpsert second = leads().upsert(phoneContact(business, "+5511999990001"));
        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(first.lead().id(), second.lead().id());
        assertEquals("new", first.lead().status());
        assertEquals(Optional.of("Ana"), first.lead().name());
        assertEquals("whatsapp", first.lead().source());
    }

    @Test
    void aLeadIsFoundByItsExactPhoneWithinItsBusinessOnly() {
        String business = business();
        String other = business();
        Lead lead = leads().upsert(phoneContact(business, "+5511999990031")).lead();
        leads().upsert(phoneContact(other, "+5511999990032"));

        assertEquals(Optional.of(lead.id()), leads().findByPhone(business, "+5511999990031").map(Lead::id));
        assertEquals(Optional.empty(), leads().findByPhone(other, "+5511999990031"), "another business's lead");
        assertEquals(Optional.empty(), leads().findByPhone(business, "+551199999003"), "a prefix is not the number");
        assertEquals(Optional.empty(), leads().findByPhone(business, "5511999990031"), "exact E.164 only");
    }

    @Test
    void missingFieldsAreFilledInButNeverOverwritten() {
        String business = business();
        leads().upsert(new LeadContact(business, Optional.of("+5511999990002"), Optional.empty(), Optional.empty(),
                Optional.empty(), "call"));
        Lead filled = leads().upsert(new LeadContact(business, Optional.of("+5511999990002"),
                Optional.of("5511999990002@s.whatsapp.net"), Optional.of("777@lid"), Optional.of("Bia"), "whatsapp")).lead();
        Lead again = leads().upsert(new LeadContact(business, Optional.of("+5511999990002"),
                Optional.of("other@s.whatsapp.net"), Optional.of("888@lid"), Optional.of("Someone else"), "api")).lead();
        assertEquals(Optional.of("5511999990002@s.whatsapp.net"), filled.whatsAppJid());
        assertEquals(Optional.of("777@lid"), filled.lid());
        assertEquals(Optional.of("Bia"), again.name());
        assertEquals(Optional.of("777@lid"), again.lid());
        assertEquals("call", again.source(), "the source is set only when the lead is created");
    }

    @Test
    void aLidOnlyLeadAdoptsItsPhoneWhenAMessageRevealsIt() {
        String business = business();
        LeadUpsert lidOnly = leads().upsert(lidContact(business, "4242@lid"));
        assertTrue(lidOnly.created());
        assertEquals(Optional.empty(), lidOnly.lead().phone());

        LeadUpsert withPhone = leads().upsert(new LeadContact(business, Optional.of("+5511999990003"),
                Optional.of("5511999990003@s.whatsapp.net"), Optional.of("4242@lid"), Optional.empty(), "whatsapp"));
        assertFalse(withPhone.created());
        assertEquals(lidOnly.lead().id(), withPhone.lead().id());
        assertEquals(Optional.of("+5511999990003"), withPhone.lead().phone());

        // From now on the phone alone finds the same person.
        assertEquals(lidOnly.lead().id(), leads().upsert(phoneContact(business, "+5511999990003")).lead().id());
        assertEquals(1, leads().list(business, Optional.empty(), 0, 10).total());
    }

    @Test
    void aLidOfALeadWithAnotherNumberDoesNotMoveToANewNumber() {
        String business = business();
        Lead first = leads().upsert(new LeadContact(business, Optional.of("+5511999990004"), Optional.empty(),
                Optional.of("99@lid"), Optional.empty(), "whatsapp")).lead();
        LeadUpsert other = leads().upsert(new LeadContact(business, Optional.of("+5511999990005"), Optional.empty(),
                Optional.of("99@lid"), Optional.empty(), "whatsapp"));
        assertTrue(other.created());
        assertNotEquals(first.id(), other.lead().id());
        assertEquals(Optional.empty(), other.lead().lid());
        assertEquals(Optional.of("99@lid"), leads().find(business, first.id()).orElseThrow().lid());
    }

    @Test
    void twoWritersUpsertingTheSameContactAtOnceMakeOneLead() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                String business = business();
                LeadContact contact = round % 2 == 0
                        ? phoneContact(business, "+55119" + String.format("%08d", round))
                        : lidContact(business, round + "@lid");
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<LeadUpsert>> results = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    results.add(writers.submit(() -> {
                        together.await();
                        return leads().upsert(contact);
                    }));
                }
                LeadUpsert a = results.get(0).get();
                LeadUpsert b = results.get(1).get();
                assertEquals(a.lead().id(), b.lead().id(), "round " + round);
                assertTrue(a.created() ^ b.created(), "exactly one writer created the lead, round " + round);
                assertEquals(1, leads().list(business, Optional.empty(), 0, 10).total(), "round " + round);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void lidAdoptionRacingAPhoneOnlyUpsertLeavesExactlyOneLeadWithThePhone()
            throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String business = business();
                String lid = (1000 + round) + "@lid";
                String phone = "+55118" + String.format("%08d", round);
                leads().upsert(lidContact(business, lid));
                CyclicBarrier together = new CyclicBarrier(2);
                Future<LeadUpsert> adopt = writers.submit(() -> {
                    together.await();
                    return leads().upsert(new LeadContact(business, Optional.of(phone), Optional.empty(),
                            Optional.of(lid), Optional.empty(), "whatsapp"));
                });
                Future<LeadUpsert> byPhone = writers.submit(() -> {
                    together.await();
                    return leads().upsert(phoneContact(business, phone));
                });
                adopt.get();
                byPhone.get();
                LeadPage page = leads().list(business, Optional.empty(), 0, 10);
                long withPhone = page.leads().stream().filter(l -> l.phone().equals(Optional.of(phone))).count();
                assertEquals(1, withPhone, "one lead holds the phone, round " + round);
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void anotherBusinessesLeadIsNeverReturned() {
        String mine = business();
        String theirs = business();
        Lead their = leads().upsert(phoneContact(theirs, "+5511999990006")).lead();
        Lead own = leads().upsert(phoneContact(mine, "+5511999990006")).lead();
        assertNotEquals(their.id(), own.id(), "the same phone in two businesses is two leads");
        assertEquals(Optional.empty(), leads().find(mine, their.id()));
        assertEquals(List.of(own.id()), leads().list(mine, Optional.empty(), 0, 10).leads().stream().map(Lead::id).toList());
        leads().saveSummary(mine, their.id(), "not yours");
        assertEquals(Optional.empty(), leads().find(theirs, their.id()).orElseThrow().summary());
    }

    @Test
    void unknownOrMalformedIdsFindNothing() {
        String business = business();
        assertEquals(Optional.empty(), leads().find(business, UUID.randomUUID().toString()));
        assertEquals(Optional.empty(), leads().find(business, "not-a-uuid'; DROP TABLE leads; --"));
        leads().saveSummary(business, "nope", "ignored");
    }

    @Test
    void listingIsNewestFirstPagedAndSearchesByPhoneDigits() {
        String business = business();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(leads().upsert(phoneContact(business, "+55219876500" + i)).lead().id());
        }
        leads().upsert(phoneContact(business, "+14155550100"));
        LeadPage first = leads().list(business, Optional.empty(), 0, 3);
        LeadPage second = leads().list(business, Optional.empty(), 3, 3);
        assertEquals(8, first.total());
        assertEquals(3, first.leads().size());
        assertEquals(Optional.of("+14155550100"), first.leads().get(0).phone(), "newest first");
        Set<String> seen = new HashSet<>();
        first.leads().forEach(l -> seen.add(l.id()));
        second.leads().forEach(l -> assertTrue(seen.add(l.id()), "pages never overlap"));
        assertEquals(List.of(created.get(4), created.get(3), created.get(2)), second.leads().stream().map(Lead::id).toList());

        LeadPage search = leads().list(business, Optional.of("(21) 98765"), 0, 50);
        assertEquals(7, search.total());
        assertTrue(search.leads().stream().allMatch(l -> l.phone().orElseThrow().contains("2198765")));
        assertEquals(1, leads().list(business, Optional.of("4155"), 0, 50).total());
        assertEquals(0, leads().list(business, Optional.of("000000000"), 0, 50).total());
    }

    @Test
    void theLatestSummaryIsStored() {
        String business = business();
        Lead lead = leads().upsert(phoneContact(business, "+5511999990007")).lead();
        leads().saveSummary(business, lead.id(), "wants a callback");
        leads().saveSummary(business, lead.id(), "booked for Tuesday");
        assertEquals(Optional.of("booked for Tuesday"), leads().find(business, lead.id()).orElseThrow().summary());
    }

    @Test
    void aLeadIsFoundByItsEmailWithoutCaseAndOnlyInItsBusiness() {
        String business = business();
        String other = business();
        Lead lead = leads().upsert(phoneContact(business, "+5511999990008")).lead();
        Lead theirs = leads().upsert(phoneContact(other, "+5511999990008")).lead();
        assertEquals(Optional.empty(), leads().findByEmail(business, "maria@example.com"));

        Lead updated = leads().setEmail(business, lead.id(), Optional.of("Maria@Example.com")).orElseThrow();
        assertEquals(Optional.of("Maria@Example.com"), updated.email());
        assertEquals(lead.id(), leads().findByEmail(business, "maria@example.COM").orElseThrow().id());
        assertEquals(Optional.empty(), leads().findByEmail(other, "maria@example.com"), "another business's lead");
        assertEquals(Optional.empty(), leads().setEmail(other, lead.id(), Optional.of("x@example.com")),
                "another business cannot change it");
        assertEquals(Optional.empty(), leads().find(business, theirs.id()));

        assertEquals(Optional.empty(), leads().setEmail(business, lead.id(), Optional.empty()).orElseThrow().email());
        assertEquals(Optional.empty(), leads().findByEmail(business, "maria@example.com"));
    }

    @Test
    void twoLeadsOfABusinessCannotShareAnEmailButTwoBusinessesCan() {
        String business = business();
        Lead first = leads().upsert(phoneContact(business, "+5511999990009")).lead();
        Lead second = leads().upsert(phoneContact(business, "+5511999990010")).lead();
        leads().setEmail(business, first.id(), Optional.of("ana@example.com"));
        assertThrows(LeadConflictException.class,
                () -> leads().setEmail(business, second.id(), Optional.of("ANA@example.com")));
        assertEquals(Optional.empty(), leads().find(business, second.id()).orElseThrow().email(), "nothing written");

        String other = business();
        Lead theirs = leads().upsert(phoneContact(other, "+5511999990009")).lead();
        assertEquals(Optional.of("ana@example.com"),
                leads().setEmail(other, theirs.id(), Optional.of("ana@example.com")).orElseThrow().email());
    }
}
