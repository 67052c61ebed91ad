package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.JobsOverview;
import dev.switchboard.ports.out.SchedulerStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/jobs/health}: queue counts (and the age of each queue's oldest waiting job) and
 * the scheduler's tick and lease, in the shape the original system's operators use. 503 with
 * {@code "status": "unhealthy"} when Redis is unreachable or the scheduler missed three ticks.
 * Carries counts only, no business data, so it needs no token (load balancers call it). Read from
 * the {@link OverviewCache} that {@code /metrics} shares: a flood of health checks costs the store
 * one reading a second.
 */
public final class JobsHealthHttpService implements HttpService {
    private final OverviewCache overview;
    private final Duration schedulerTick;
    /** The last answer and the reading it was made from: every check within that second shares it. */
    private volatile Answer last;

    private record Answer(JobsOverview.Overview from, Status status, byte[] body) {
    }

    public JobsHealthHttpService(OverviewCache overview, Duration schedulerTick) {
        this.overview = overview;
        this.schedulerTick = schedulerTick;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/jobs/health", this::health);
    }

    private void health(ServerRequest request, ServerResponse response) {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            JobsOverview.Overview o = overview.current();
            Answer answer = last;
            if (answer != null && answer.from() == o) {
                JsonResponses.sendBytes(response, answer.status(), answer.body());
                return;
            }
            SchedulerStatus.Snapshot s = o.scheduler();
            Instant now = o.at();
            boolean stale = s.lastTick().map(t -> Duration.between(t, now).compareTo(schedulerTick.multipliedBy(3)) > 0)
                    .orElse(true);
            Map<String, Object> sched = new LinkedHashMap<>();
            sched.put("last_tick", s.lastTick().map(Instant::toString).orElse(null));
            sched.put("lock_held", s.lockHeld());
            sched.put("lock_owner", s.leaseOwner().orElse(null));
            sched.put("lock_ttl", s.leaseRemaining().map(d -> d.toMillis() / 1000.0).orElse(null));
            sched.put("stale", stale);
            body.put("queues", JobJson.queues(o.queues()));
            body.put("scheduler", sched);
            body.put("status", stale ? "unhealthy" : "healthy");
            if (stale) {
                body.put("error", "the scheduler has not ticked for 3 ticks (" + schedulerTick.multipliedBy(3).toSeconds() + " s)");
            }
            Status status = stale ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200;
            byte[] json = JsonResponses.bytes(body);
            last = new Answer(o, status, json);
            JsonResponses.sendBytes(response, status, json);
        } catch (JobStoreUnavailableException e) {
            body.put("status", "unhealthy");
            body.put("error", "Redis unreachable");
            JsonResponses.send(response, Status.SERVICE_UNAVAILABLE_503, body);
        }
    }
}
