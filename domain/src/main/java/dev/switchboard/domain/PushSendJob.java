package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.DeliveryOutcome;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.PushNotification;
import dev.switchboard.ports.out.PushSubscriptionRepository;
import dev.switchboard.ports.out.RetryPolicy;
import dev.switchboard.ports.out.StoredPushSubscription;
import dev.switchboard.ports.out.WebPushSender;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code push_send_job}: a Web Push notification to every browser a user subscribed (docs/push.md).
 *
 * <p>A job for a user fans out into one job per active subscription (deduplicated on the parent
 * job and the subscription), so a push service that asks to retry later delays only its own
 * browser, and a retry never pushes again to browsers that already got it. A per-subscription job
 * sends once: delivered, done; gone (404/410), the subscription is deactivated; 429/5xx/timeouts
 * retry per the policy, not before {@code Retry-After}; any other refusal fails at once and stays
 * visible, requeueable. A push with an expiry (a reminder's, until its next offset) is not sent
 * after it, and asks the push service to keep it only for the time left.
 */
public final class PushSendJob implements JobHandler {

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("push_send_job", Queues.DEFAULT,
            RetryPolicy.of(5, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
                    Duration.ofMinutes(5), Duration.ofMinutes(15)),
            Duration.ofMinutes(1), new Codec(), PushSendJob::new);

    /**
     * @param ttl            how long the push service keeps it for an offline browser (default a day)
     * @param topic          a later push with the same topic replaces an undelivered one
     * @param subscriptionId empty: every active subscription of the user; given: that one only
     * @param expiresAt      when the push is no use any more (a reminder's next offset): a retry
     *                       after it is dropped, one before it is kept only for what remains
     */
    public record Args(String userId, String title, String body, Optional<String> url, Optional<Duration> ttl,
                       Optional<String> topic, Optional<String> subscriptionId, Optional<Instant> expiresAt) {

        public Args(String userId, String title, String body, Optional<String> url, Optional<Duration> ttl,
                    Optional<String> topic, Optional<String> subscriptionId) {
            this(userId, title, body, url, ttl, topic, subscriptionId, Optional.empty());
        }

        public static Args toUser(String userId, String title, String body, Optional<String> url) {
            return new Args(userId, title, body, url, Optional.empty(), Optional.empty(), Optional.empty());
        }

        Args to(String subscription) {
            return new Args(userId, title, body, url, ttl, topic, Optional.of(subscription), expiresAt);
        }

        /** What the push service gets at {@code now}: kept no longer than the push is of use. */
        PushNotification notification(Instant now) {
            Duration keep = ttl.orElse(Duration.ofDays(1));
            if (expiresAt.isPresent()) {
                Duration left = Duration.between(now, expiresAt.get());
                keep = left.isNegative() ? Duration.ZERO : (left.compareTo(keep) < 0 ? left : keep);
            }
            return new PushNotification(title, body, url, keep.withNanos(0), PushNotification.Urgency.HIGH, topic);
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("user_id", a.userId()).put("title", a.title()).put("body", a.body())
                    .put("url", a.url()).put("ttl_seconds", a.ttl().map(Duration::toSeconds))
                    .put("topic", a.topic()).put("subscription_id", a.subscriptionId())
                    .put("expires_at", a.expiresAt().map(Instant::getEpochSecond)).build();
        }

        @Override
        public Args decode(Kwargs k) {
            return new Args(k.string("user_id"), k.string("title"), k.string("body"), k.optionalString("url"),
                    k.optionalLong("ttl_seconds").map(Duration::ofSeconds), k.optionalString("topic"),
                    k.optionalString("subscription_id"), k.optionalLong("expires_at").map(Instant::ofEpochSecond));
        }
    }

    /** One browser's share of a push job: {@code push:subscription:<parent job>:<subscription>}. */
    static String subscriptionKey(String parentJobId, String subscriptionId) {
        return DedupeKeys.bounded("push:subscription:", DedupeKeys.part(parentJobId) + ":" + DedupeKeys.part(subscriptionId));
    }

    private final PushSubscriptionRepository subscriptions;
    private final WebPushSender sender;
    private final JobQueue jobs;
    private final Clock clock;

    public PushSendJob(JobCollaborators c) {
        this.subscriptions = c.pushSubscriptions();
        this.sender = c.webPush();
        this.jobs = c.jobs();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        Instant now = clock.instant();
        PushNotification notification;
        try {
            notification = args.notification(now);
        } catch (IllegalArgumentException e) {
            throw JobFailure.permanent("cannot push: " + e.getMessage(), e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (args.subscriptionId().isEmpty()) {
            List<StoredPushSubscription> active = subscriptions.activeFor(job.businessId(), args.userId());
            for (StoredPushSubscription subscription : active) {
                jobs.enqueue(DEFINITION.deduplicatedRequest(args.to(subscription.id()), job.businessId(), job.traceId(),
                        subscriptionKey(job.jobId(), subscription.id()), DedupeKeys.EVENT_TTL));
            }
            result.put("subscriptions", active.size());
            return result;
        }
        String id = args.subscriptionId().get();
        if (args.expiresAt().isPresent() && !now.isBefore(args.expiresAt().get())) {
            // A retry (or a slow queue) past the push's moment: "in 15 min" after the meeting helps nobody.
            result.put("skipped", "expired at " + args.expiresAt().get() + ", not sent");
            return result;
        }
        Optional<StoredPushSubscription> subscription = subscriptions.find(job.businessId(), id)
                .filter(StoredPushSubscription::active);
        if (subscription.isEmpty()) {
            result.put("skipped", "subscription " + id + " is gone");
            return result;
        }
        DeliveryOutcome outcome = sender.send(subscription.get().subscription(), notification);
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> result.put("delivered", d.status());
            case DeliveryOutcome.Gone g -> {
                subscriptions.deactivate(job.businessId(), id);
                result.put("deactivated", g.status());
            }
            case DeliveryOutcome.RetryLater r -> throw JobFailure.retryAfter(r.reason(), null, r.retryAfter());
            case DeliveryOutcome.Rejected r -> throw JobFailure.permanent(r.reason(), null);
        }
        return result;
    }
}
