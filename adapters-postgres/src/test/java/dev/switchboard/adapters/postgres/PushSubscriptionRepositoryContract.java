package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.PushSubscription;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.StoredPushSubscription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link PushSubscriptionRepository} must do. */
abstract class PushSubscriptionRepositoryContract {
    static final String P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";

    abstract PushSubscriptionRepository subscriptions();

    static PushSubscription browser() {
        return new PushSubscription("https://push.example.net/wpush/" + UUID.randomUUID(), P256DH, AUTH);
    }

    @Test
    void aSubscribedBrowserIsActiveForItsUserOnly() {
        String business = "biz-" + UUID.randomUUID();
        StoredPushSubscription stored = subscriptions().subscribe(business, "ana", browser());
        assertTrue(stored.active());
        assertEquals(List.of(stored), subscriptions().activeFor(business, "ana"));
        assertTrue(subscriptions().activeFor(business, "bia").isEmpty());
        assertEquals(stored, subscriptions().find(business, stored.id()).orElseThrow());
    }

    @Test
    void subscribingTheSameEndpointAgainUpdatesOneRowAndReactivatesIt() {
        String business = "biz-" + UUID.randomUUID();
        PushSubscription browser = browser();
        StoredPushSubscription first = subscriptions().subscribe(business, "ana", browser);
        subscriptions().deactivate(business, first.id());
        assertTrue(subscriptions().activeFor(business, "ana").isEmpty());
        StoredPushSubscription again = subscriptions().subscribe(business, "bia", browser);
        assertEquals(first.id(), again.id());
        assertTrue(again.active());
        assertEquals(List.of(again), subscriptions().activeFor(business, "bia"));
        assertTrue(subscriptions().activeFor(business, "ana").isEmpty(), "the device moved to its new user");
    }

    @Test
    void anotherBusinessSeesNothingAndCannotUnsubscribeOrDeactivate() {
        String mine = "biz-" + UUID.randomUUID();
        String theirs = "biz-" + UUID.randomUUID();
        StoredPushSubscription stored = subscriptions().subscribe(mine, "ana", browser());
        assertTrue(subscriptions().find(theirs, stored.id()).isEmpty());
        assertTrue(subscriptions().activeFor(theirs, "ana").isEmpty());
        assertFalse(subscriptions().unsubscribe(theirs, stored.subscription().endpoint()));
        subscriptions().deactivate(theirs, stored.id());
        assertTrue(subscriptions().find(mine, stored.id()).orElseThrow().active());
    }

    @Test
    void theSameBrowserSubscribedForAnotherBusinessIsAnotherRowAndLeavesThisOneAlone() {
        String mine = "biz-" + UUID.randomUUID();
        String theirs = "biz-" + UUID.randomUUID();
        PushSubscription browser = browser();
        StoredPushSubscription stored = subscriptions().subscribe(mine, "ana", browser);
        StoredPushSubscription other = subscriptions().subscribe(theirs, "ana", browser);
        assertFalse(stored.id().equals(other.id()), "one row per business");
        assertEquals(List.of(stored), subscriptions().activeFor(mine, "ana"), "still mine, still active");
        assertEquals(List.of(other), subscriptions().activeFor(theirs, "ana"));
        subscriptions().deactivate(theirs, other.id());
        assertTrue(subscriptions().unsubscribe(theirs, browser.endpoint()));
        assertEquals(List.of(stored), subscriptions().activeFor(mine, "ana"));
    }

    @Test
    void unsubscribeRemovesTheRow() {
        String business = "biz-" + UUID.randomUUID();
        StoredPushSubscription stored = subscriptions().subscribe(business, "ana", browser());
        assertTrue(subscriptions().unsubscribe(business, stored.subscription().endpoint()));
        assertFalse(subscriptions().unsubscribe(business, stored.subscription().endpoint()));
        assertTrue(subscriptions().find(business, stored.id()).isEmpty());
        assertTrue(subscriptions().find(business, "not-a-uuid").isEmpty());
    }
}
