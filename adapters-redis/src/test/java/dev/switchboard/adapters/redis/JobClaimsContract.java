package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.Heartbeat;
import dev.switchboard.ports.out.JobCancelledException;
import dev.switchboard.ports.out.Settlement;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@link dev.switchboard.ports.out.JobClaims}: atomic claims, fencing, progress. */
abstract class JobClaimsContract {

    abstract JobPortsFixture ports();

    @Test
    void eachJobIsClaimedByOneWorker() {
        ports().queue().enqueue(JobPortsFixture.job("b"));
        ClaimedJob first = ports().claimOne("w1", Duration.ofSeconds(30));
        assertTrue(ports().claims().claim("w2", List.of("default"), Duration.ofSeconds(30)).isEmpty());
        assertEquals("w1", ports().inspection().find(dev.switchboard.ports.out.BusinessScope.all(), first.id())
                .orElseThrow().workerName().orElseThrow());
    }

    @Test
    void batchClaimTakesJobsInPriorityOrderEachWithItsOwnLease() {
        String low = ports().queue().enqueue(dev.switchboard.ports.out.JobRequest.of("j", "low", java.util.Map.of(), "b", "t")).jobId();
        String d1 = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        String d2 = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();

        List<ClaimedJob> jobs = ports().claims().claim("w", List.of("default", "low"), Duration.ofSeconds(30), 2);

        assertEquals(List.of(d1, d2), jobs.stream().map(ClaimedJob::id).toList());
        assertNotEquals(jobs.get(0).leaseToken(), jobs.get(1).leaseToken());
        assertEquals(Settlement.LEASE_LOST, ports().claims().complete(new ClaimedJob(d1, "j", "default",
                java.util.Map.of(), "b", "t", java.util.Optional.empty(), jobs.get(1).leaseToken(), 1,
                Duration.ofSeconds(1)), null), "one job's token does not settle another");
        assertEquals(Settlement.APPLIED, ports().claims().complete(jobs.get(0), null));
        assertEquals(List.of(low), ports().claims().claim("w", List.of("default", "low"), Duration.ofSeconds(30), 5)
                .stream().map(ClaimedJob::id).toList());
    }

    @Test
    void staleWorkerCannotCompleteAfterItsLeaseWasTakenOver() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        ClaimedJob stale = ports().claimOne("w1", Duration.ofMillis(300));
        ports().sleep(Duration.ofMillis(450));
        assertEquals(1, ports().maintenance().recoverExpiredLeases(List.of("default"), 3));
        ClaimedJob current = ports().claimOne("w2", Duration.ofSeconds(30));
        assertEquals(id, current.id());
        assertNotEquals(stale.leaseToken(), current.leaseToken());

        assertEquals(Settlement.LEASE_LOST, ports().claims().complete(stale, "stale result"));
        assertEquals(Settlement.LEASE_LOST, ports().claims().fail(stale, "stale", "stale"));
        assertEquals(Heartbeat.LEASE_LOST, ports().claims().heartbeat(stale, Duration.ofSeconds(30)));
        assertEquals(Settlement.LEASE_LOST, ports().claims().progress(stale, 90, "stale"));
        assertEquals(Settlement.APPLIED, ports().claims().complete(current, "fresh result"));
        assertEquals("fresh result", ports().inspection().find(dev.switchboard.ports.out.BusinessScope.all(), id)
                .orElseThrow().result().orElseThrow());
    }

    @Test
    void heartbeatKeepsTheLeaseAlive() {
        ports().queue().enqueue(JobPortsFixture.job("b"));
        ClaimedJob job = ports().claimOne("w1", Duration.ofMillis(400));
        for (int i = 0; i < 4; i++) {
            ports().sleep(Duration.ofMillis(200));
            assertEquals(Heartbeat.EXTENDED, ports().claims().heartbeat(job, Duration.ofMillis(400)));
            assertEquals(0, ports().maintenance().recoverExpiredLeases(List.of("default"), 3));
        }
        assertEquals(Settlement.APPLIED, ports().claims().complete(job, null));
    }

    @Test
    void progressNeverGoesBackAndReportsACancel() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        ClaimedJob job = ports().claimOne("w1", Duration.ofSeconds(30));
        ports().claims().progress(job, 60, "sixty");
        ports().claims().progress(job, 30, "thirty");
        var view = ports().inspection().find(dev.switchboard.ports.out.BusinessScope.all(), id).orElseThrow();
        assertEquals(60, view.progress());
        assertEquals("thirty", view.progressMessage().orElseThrow());

        ports().administration().cancel(dev.switchboard.ports.out.BusinessScope.of("b"), id);
        assertThrows(JobCancelledException.class, () -> ports().claims().progress(job, 70, "after cancel"));
        assertEquals(Heartbeat.CANCEL_REQUESTED, ports().claims().heartbeat(job, Duration.ofSeconds(30)));
        assertEquals(Settlement.APPLIED, ports().claims().canceled(job));
        assertEquals(dev.switchboard.ports.out.JobStatus.CANCELED,
                ports().inspection().find(dev.switchboard.ports.out.BusinessScope.all(), id).orElseThrow().status());
    }
}
