package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@link dev.switchboard.ports.out.JobMaintenance}: recovery and promotion. */
abstract class JobMaintenanceContract {

    abstract JobPortsFixture ports();

    @Test
    void expiredLeaseIsRequeuedAtTheFront() {
        String orphan = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        ports().claimOne("dead", Duration.ofMillis(200));
        String waiting = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        ports().sleep(Duration.ofMillis(300));

        assertEquals(1, ports().maintenance().recoverExpiredLeases(List.of("default"), 3));

        assertEquals(orphan, ports().claimOne("alive", Duration.ofSeconds(30)).id(), "the orphan goes first");
        assertEquals(waiting, ports().claimOne("alive", Duration.ofSeconds(30)).id());
    }

    @Test
    void liveLeaseIsLeftAlone() {
        ports().queue().enqueue(JobPortsFixture.job("b"));
        ports().claimOne("alive", Duration.ofSeconds(30));
        assertEquals(0, ports().maintenance().recoverExpiredLeases(List.of("default"), 3));
    }

    @Test
    void jobThatKeepsKillingWorkersIsFailedAfterTheLimit() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        for (int death = 1; death <= 3; death++) {
            ports().claimOne("doomed-" + death, Duration.ofMillis(100));
            ports().sleep(Duration.ofMillis(200));
            ports().maintenance().recoverExpiredLeases(List.of("default"), 3);
        }
        var view = ports().inspection().find(BusinessScope.all(), id).orElseThrow();
        assertEquals(JobStatus.FAILED, view.status());
        assertTrue(view.error().orElseThrow().contains("lease expired too many times"), view.error().toString());
        assertTrue(ports().claims().claim("next", List.of("default"), Duration.ofSeconds(1)).isEmpty());
    }

    @Test
    void dueRetriesArePromotedAndEarlyOnesWait() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")
                .withRetry(RetryPolicy.of(1, Duration.ofSeconds(1)))).jobId();
        ClaimedJob job = ports().claimOne("w", Duration.ofSeconds(30));
        ports().claims().fail(job, "boom", "trace");

        assertEquals(0, ports().maintenance().promoteDueJobs(List.of("default")), "not due yet");
        assertEquals(JobStatus.SCHEDULED, ports().inspection().find(BusinessScope.all(), id).orElseThrow().status());
        ports().sleep(Duration.ofMillis(1100));
        assertEquals(1, ports().maintenance().promoteDueJobs(List.of("default")));
        assertEquals(id, ports().claimOne("w", Duration.ofSeconds(30)).id());
    }
}
