package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.QueueStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contracts of {@link dev.switchboard.ports.out.JobAdministration} and {@link dev.switchboard.ports.out.JobInspection}. */
abstract class JobAdministrationContract {

    abstract JobPortsFixture ports();

    @Test
    void anotherBusinessSeesNothingAndCancelsNothing() {
        String id = ports().queue().enqueue(JobPortsFixture.job("biz-a")).jobId();

        assertTrue(ports().inspection().find(BusinessScope.of("biz-b"), id).isEmpty());
        assertEquals(CancelOutcome.NOT_FOUND, ports().administration().cancel(BusinessScope.of("biz-b"), id));
        assertEquals(JobStatus.QUEUED, ports().inspection().find(BusinessScope.of("biz-a"), id).orElseThrow().status());
        assertTrue(ports().inspection().find(BusinessScope.all(), id).isPresent(), "the admin scope sees it");
    }

    @Test
    void cancelingAQueuedJobRemovesItFromItsQueue() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        assertEquals(CancelOutcome.CANCELED, ports().administration().cancel(BusinessScope.of("b"), id));
        assertTrue(ports().claims().claim("w", List.of("default"), Duration.ofSeconds(1)).isEmpty());
        assertEquals(CancelOutcome.ALREADY_DONE, ports().administration().cancel(BusinessScope.of("b"), id));
    }

    @Test
    void cancelingARunningJobAsksItsWorker() {
        String id = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        ports().claimOne("w", Duration.ofSeconds(30));
        assertEquals(CancelOutcome.CANCEL_REQUESTED, ports().administration().cancel(BusinessScope.of("b"), id));
    }

    @Test
    void cancelRunTouchesOnlyThatBusinessesRun() {
        String a1 = ports().queue().enqueue(JobPortsFixture.job("a").withRunId("r")).jobId();
        String a2 = ports().queue().enqueue(JobPortsFixture.job("a").withRunId("r")).jobId();
        String b1 = ports().queue().enqueue(JobPortsFixture.job("b").withRunId("r")).jobId();
        String other = ports().queue().enqueue(JobPortsFixture.job("a").withRunId("other")).jobId();

        assertEquals(2, ports().administration().cancelRun("a", "r"));

        assertEquals(JobStatus.CANCELED, status(a1));
        assertEquals(JobStatus.CANCELED, status(a2));
        assertEquals(JobStatus.QUEUED, status(b1));
        assertEquals(JobStatus.QUEUED, status(other));
    }

    @Test
    void failedJobCanBeRequeuedOneByOneOrAllAtOnce() {
        String first = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        String second = ports().queue().enqueue(JobPortsFixture.job("b")).jobId();
        for (int i = 0; i < 2; i++) {
            ClaimedJob job = ports().claimOne("w", Duration.ofSeconds(30));
            ports().claims().fail(job, "boom", "trace");
        }
        assertEquals(JobStatus.FAILED, status(first));
        assertFalse(ports().administration().requeue(BusinessScope.of("other"), first), "not another business's");

        assertTrue(ports().administration().requeue(BusinessScope.of("b"), first));
        assertEquals(JobStatus.QUEUED, status(first));
        assertEquals(1, ports().administration().requeueAllFailed(BusinessScope.all(), "default"));
        assertEquals(JobStatus.QUEUED, status(second));
        assertFalse(ports().administration().requeue(BusinessScope.all(), first), "a queued job is not requeued");
    }

    @Test
    void listingsArePagedAndScoped() {
        for (int i = 0; i < 5; i++) {
            ports().queue().enqueue(JobPortsFixture.job(i % 2 == 0 ? "even" : "odd"));
        }
        var page = ports().inspection().list(BusinessScope.of("even"), JobStatus.QUEUED, "default", 1, 1);
        assertEquals(3, page.total());
        assertEquals(1, page.jobs().size());
        assertEquals("even", page.jobs().get(0).businessId());
        assertEquals(5, ports().inspection().list(BusinessScope.all(), JobStatus.QUEUED, "default", 0, 50).total());
    }

    @Test
    void statsCountEveryRegistryAndTheOldestWait() {
        ports().queue().enqueue(JobPortsFixture.job("b"));
        ports().queue().enqueue(JobPortsFixture.job("b"));
        ports().claims().complete(ports().claimOne("w", Duration.ofSeconds(30)), null);
        QueueStats stats = ports().inspection().stats(List.of("default")).get(0);
        assertEquals(1, stats.queued());
        assertEquals(0, stats.started());
        assertEquals(1, stats.finished());
        assertTrue(stats.oldestQueuedAge().isPresent());
    }

    private JobStatus status(String id) {
        return ports().inspection().find(BusinessScope.all(), id).orElseThrow().status();
    }
}
