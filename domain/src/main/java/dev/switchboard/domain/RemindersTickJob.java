package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.BusinessRepository;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.WebhookEndpoint;
import dev.switchboard.ports.out.Reminder;
import dev.switchboard.ports.out.ReminderRepository;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code reminders_tick_job} (periodic, every minute, queue {@code default}): pushes each reminder
 * 30 and 15 minutes before it is due, by {@link ReminderPushes}' rule.
 *
 * <p>Exactly once per reminder and offset: the push log row (unique per reminder and offset) is
 * written, the {@code push_send_job} enqueued while the row is uncommitted, and the row committed
 * only after the enqueue. Two ticks at once: the second waits for the first's row and finds it. A
 * tick that dies after the enqueue but before the commit: the next tick enqueues again, and the
 * job's dedupe key (reminder and offset) makes that the same job. Redis down: nothing is
 * committed, the next tick tries again. The push itself is that job's business (retries, gone
 * subscriptions); its topic is the reminder, so the 15-minute push replaces an undelivered
 * 30-minute one on an offline phone.
 *
 * <p>Also publishes {@code reminder.sent} to the business's webhooks, once per reminder and offset.
 */
public final class RemindersTickJob implements JobHandler {

    /** Not retried: the next tick, a minute later, does the same work. */
    public static final JobDefinition<JobDefinition.NoArgs> DEFINITION = JobDefinition.of("reminders_tick_job", Queues.DEFAULT,
            RetryPolicy.NONE, Duration.ofSeconds(50), JobDefinition.NO_ARGS, RemindersTickJob::new);

    static final int BATCH = 1000;
    /** At most this many pages a tick (each page's pushes are committed before the next is read). */
    static final int MAX_PAGES = 10;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");

    private final ReminderRepository reminders;
    private final BusinessRepository businesses;
    private final JobQueue jobs;
    private final WebhookEvents webhooks;
    private final Clock clock;

    public RemindersTickJob(JobCollaborators c) {
        this.reminders = c.reminders();
        this.businesses = c.businesses();
        this.jobs = c.jobs();
        this.webhooks = new WebhookEvents(c.webhookEndpoints(), c.jobs());
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        DEFINITION.argsOf(job);
        Instant now = clock.instant();
        Map<String, ZoneId> zones = new HashMap<>();
        Map<String, List<WebhookEndpoint>> hooks = new HashMap<>();
        int pushed = 0;
        int owed = 0;
        boolean more = false;
        // Page after page of reminders still owed a push (those pushed are no longer in the next
        // page), until a page comes back short: a thousand reminders at one time cannot starve the rest.
        for (int page = 0; page < MAX_PAGES; page++) {
            List<Reminder> due = reminders.owedBetween(ReminderPushes.windowStart(now), ReminderPushes.windowEnd(now), now,
                    ReminderPushes.OFFSETS, BATCH);
            owed += due.size();
            int pushedBefore = pushed;
            pushed += push(due, now, job.traceId(), zones, hooks);
            if (due.size() < BATCH) {
                break;
            }
            if (pushed == pushedBefore) {
                // A full page and not one push: another tick is logging them (or their time is
                // not yet come); it, or the next tick, goes on.
                break;
            }
            more = page == MAX_PAGES - 1;   // the next tick goes on
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("due", owed);
        result.put("pushed", pushed);
        if (more) {
            result.put("more_than", MAX_PAGES * BATCH);
        }
        return result;
    }

    /** Logs and enqueues the push owed now of each of {@code due}; how many were pushed by this tick. */
    private int push(List<Reminder> due, Instant now, String traceId, Map<String, ZoneId> zones,
                     Map<String, List<WebhookEndpoint>> hooks) {
        int pushed = 0;
        for (Reminder reminder : due) {
            OptionalInt offset = ReminderPushes.offsetAt(reminder.dueAt(), now);
            if (offset.isEmpty()) {
                continue;
            }
            int minutes = offset.getAsInt();
            // Everything read from the store is read before the log row's transaction, which then
            // holds one connection and only enqueues (Redis).
            ZoneId zone = zones.computeIfAbsent(reminder.businessId(), b -> businesses.findOrCreate(b).zone());
            List<WebhookEndpoint> subscribed = hooks.computeIfAbsent(reminder.businessId(),
                    b -> webhooks.subscribed(b, "reminder.sent"));
            List<JobRequest> requests = new ArrayList<>();
            requests.add(push(reminder, minutes, zone, now, traceId));
            requests.addAll(WebhookEvents.requests(subscribed, reminder.businessId(), traceId,
                    WebhookEvents.eventIdFor(pushKey(reminder.id(), minutes)), "reminder.sent", now,
                    event(reminder, minutes)));
            if (reminders.pushOnce(reminder, minutes, () -> requests.forEach(jobs::enqueue))) {
                pushed++;
            }
        }
        return pushed;
    }

    private static JobRequest push(Reminder reminder, int offsetMinutes, ZoneId zone, Instant now, String traceId) {
        String body = "Due at " + HOUR.format(reminder.dueAt().atZone(zone)) + " (in "
                + Math.max(0, Duration.between(now, reminder.dueAt()).toMinutes()) + " min)";
        String title = reminder.text().length() > 120 ? reminder.text().substring(0, 119) + "…" : reminder.text();
        Optional<String> url = Optional.of(reminder.leadId().map(lead -> "/leads/" + lead).orElse("/reminders"));
        // The push service keeps it only until the next offset would: a stale reminder helps nobody.
        PushSendJob.Args push = new PushSendJob.Args(reminder.userId(), title, body, url,
                Optional.of(Duration.ofMinutes(offsetMinutes)), Optional.of("reminder-" + topic(reminder.id())),
                Optional.empty(), Optional.of(now.plus(Duration.ofMinutes(offsetMinutes))));
        return PushSendJob.DEFINITION.deduplicatedRequest(push, reminder.businessId(), traceId,
                pushKey(reminder.id(), offsetMinutes), DedupeKeys.EVENT_TTL);
    }

    private static Map<String, Object> event(Reminder reminder, int offsetMinutes) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reminder_id", reminder.id());
        data.put("lead_id", reminder.leadId().orElse(null));
        data.put("user_id", reminder.userId());
        data.put("due_at", reminder.dueAt().toString());
        data.put("minutes_before", offsetMinutes);
        data.put("text", reminder.text());
        return data;
    }

    /** The push of one reminder at one offset: {@code reminder:<id>:<offset>}. */
    static String pushKey(String reminderId, int offsetMinutes) {
        return DedupeKeys.bounded("reminder:", DedupeKeys.part(reminderId) + ":" + offsetMinutes);
    }

    /** A topic is at most 32 of [A-Za-z0-9_-]: "reminder-" and 23 hex digits of the reminder id (92 bits). */
    private static String topic(String reminderId) {
        String compact = reminderId.replaceAll("[^A-Za-z0-9_]", "");
        return compact.length() > 23 ? compact.substring(0, 23) : compact;
    }
}
