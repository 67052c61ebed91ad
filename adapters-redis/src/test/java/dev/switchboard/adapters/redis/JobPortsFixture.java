package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.ClaimedJob;
import dev.switchboard.ports.out.JobAdministration;
import dev.switchboard.ports.out.JobClaims;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobMaintenance;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The driven job ports, as the contract tests see them. A contract test is written against this,
 * and each implementation (today: Redis) provides one.
 */
interface JobPortsFixture {
    JobQueue queue();

    JobClaims claims();

    JobMaintenance maintenance();

    JobInspection inspection();

    JobAdministration administration();

    /** Lets wall-clock time pass for lease expiry (implementations may use a real clock). */
    default void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JobRequest job(String business) {
        return JobRequest.of("some_job", "default", Map.of("k", "v"), business, "trace-" + business);
    }

    default ClaimedJob claimOne(String worker, Duration lease) {
        return claims().claim(worker, List.of("default"), lease).orElseThrow(() -> new AssertionError("nothing to claim"));
    }
}
