package dev.switchboard.ports.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Operators' statistics of job attempts, recorded by the store as jobs settle: per job name, how
 * many attempts were processed (succeeded or failed) and failed, and a histogram of their
 * durations; for all jobs, processed and failed per second over the last hour. Read-only.
 */
public interface JobStatistics {

    /** Upper bounds of the duration histogram's buckets; one more bucket is unbounded. */
    List<Duration> BUCKETS = List.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000)
            .stream().map(Duration::ofMillis).toList();

    /**
     * Reads the statistics of {@code jobNames} and the timeline's last {@code window} (at most an
     * hour) in one round trip.
     */
    Snapshot read(Collection<String> jobNames, Duration window);

    /**
     * The per-second timeline of one job name over the last {@code window} (at most an hour), in
     * one round trip; seconds with no attempt are left out.
     */
    List<Second> timeline(String jobName, Duration window);

    /** Statistics at one moment. */
    record Snapshot(Map<String, JobTypeStats> byName, List<Second> timeline) {
        public Snapshot {
            byName = Map.copyOf(byName);
            timeline = List.copyOf(timeline);
        }
    }

    /**
     * One job name's counts. {@code bucketCounts} has one count per {@link #BUCKETS} entry plus
     * the unbounded bucket, not cumulative; they sum to {@code processed}. {@code totalMillis} is
     * the sum of the attempts' durations.
     */
    record JobTypeStats(String name, long processed, long failed, List<Long> bucketCounts, long totalMillis) {
        public JobTypeStats {
            bucketCounts = List.copyOf(bucketCounts);
        }

        /** A name that has no attempt recorded. */
        public static JobTypeStats none(String name) {
            return new JobTypeStats(name, 0, 0, java.util.Collections.nCopies(BUCKETS.size() + 1, 0L), 0);
        }
    }

    /** Attempts settled in one second (the store's clock), oldest first; seconds with none are left out. */
    record Second(Instant at, long processed, long failed) {
    }
}
