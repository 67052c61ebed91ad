package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.JobStatistics;
import dev.switchboard.ports.out.JobStoreUnavailableException;
import dev.switchboard.ports.out.JobsOverview;
import dev.switchboard.ports.out.QueueStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;

/**
 * The metrics read from the job store, all from one {@link OverviewCache} reading per scrape:
 * <pre>
 * switchboard_redis_up                                  1 when the store answered
 * switchboard_queue_jobs{queue,state}                   jobs per queue and state
 * switchboard_queue_oldest_job_age_seconds{queue}       wait of each queue's oldest job
 * switchboard_scheduler_lock_held                       1 while a scheduler holds the lease
 * switchboard_scheduler_last_tick_age_seconds           since the leader's last tick
 * switchboard_workers{state}                            registered workers, busy and idle
 * switchboard_job_attempts_total{job,outcome}           settled attempts per job type (succeeded, failed)
 * switchboard_job_duration_seconds{job}                 attempt durations per job type (histogram)
 * </pre>
 * The per-job-type series are what the workers record as they settle each attempt
 * ({@code switchboard:stats:job:<name>}); they are counters since the store was created.
 */
final class JobStoreCollector implements MultiCollector {
    private static final String[] STATES = {"queued", "started", "scheduled", "finished", "failed", "canceled"};
    private static final double[] BOUNDS = bounds();

    private final OverviewCache overview;

    JobStoreCollector(OverviewCache overview) {
        this.overview = overview;
    }

    private static double[] bounds() {
        double[] bounds = new double[JobStatistics.BUCKETS.size() + 1];
        for (int i = 0; i < JobStatistics.BUCKETS.size(); i++) {
            bounds[i] = JobStatistics.BUCKETS.get(i).toMillis() / 1000.0;
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    @Override
    public MetricSnapshots collect() {
        JobsOverview.Overview o;
        try {
            o = overview.current();
        } catch (JobStoreUnavailableException e) {
            return MetricSnapshots.of(gauge("switchboard_redis_up", "1 when the job store answered the last scrape",
                    List.of(point(0, Labels.EMPTY))));
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(gauge("switchboard_redis_up", "1 when the job store answered the last scrape",
                List.of(point(1, Labels.EMPTY))));
        List<GaugeSnapshot.GaugeDataPointSnapshot> jobs = new ArrayList<>();
        List<GaugeSnapshot.GaugeDataPointSnapshot> ages = new ArrayList<>();
        for (QueueStats s : o.queues()) {
            long[] counts = {s.queued(), s.started(), s.scheduled(), s.finished(), s.failed(), s.canceled()};
            for (int i = 0; i < STATES.length; i++) {
                jobs.add(point(counts[i], Labels.of("queue", s.queue(), "state", STATES[i])));
            }
            ages.add(point(s.oldestQueuedAge().map(d -> d.toMillis() / 1000.0).orElse(0.0), Labels.of("queue", s.queue())));
        }
        out.metricSnapshot(gauge("switchboard_queue_jobs",
                "Jobs per queue and state (queued, started, scheduled, finished, failed, canceled)", jobs));
        out.metricSnapshot(gauge("switchboard_queue_oldest_job_age_seconds",
                "How long the oldest waiting job of each queue has waited (0 when empty)", ages));
        out.metricSnapshot(gauge("switchboard_scheduler_lock_held", "1 while a scheduler process holds the leader lease",
                List.of(point(o.scheduler().lockHeld() ? 1 : 0, Labels.EMPTY))));
        o.scheduler().lastTick().ifPresent(tick -> out.metricSnapshot(gauge("switchboard_scheduler_last_tick_age_seconds",
                "Seconds since the scheduler's leader last ticked",
                List.of(point(Math.max(0, Duration.between(tick, o.at()).toMillis() / 1000.0), Labels.EMPTY)))));
        long busy = o.workers().stream().filter(JobsOverview.Worker::busy).count();
        out.metricSnapshot(gauge("switchboard_workers", "Registered workers by state (busy, idle)",
                List.of(point(busy, Labels.of("state", "busy")), point(o.workers().size() - busy, Labels.of("state", "idle")))));
        List<CounterSnapshot.CounterDataPointSnapshot> attempts = new ArrayList<>();
        List<HistogramSnapshot.HistogramDataPointSnapshot> durations = new ArrayList<>();
        for (String name : OverviewCache.jobNames(o, overview.knownJobNames())) {
            JobStatistics.JobTypeStats stats = o.jobs().getOrDefault(name, JobStatistics.JobTypeStats.none(name));
            attempts.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(stats.processed() - stats.failed()).labels(Labels.of("job", stats.name(), "outcome", "succeeded")).build());
            attempts.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(stats.failed()).labels(Labels.of("job", stats.name(), "outcome", "failed")).build());
            // The client's model takes per-bucket counts, as the store keeps them; the text format
            // writer makes them cumulative.
            long[] counts = stats.bucketCounts().stream().mapToLong(Long::longValue).toArray();
            durations.add(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, counts))
                    .sum(stats.totalMillis() / 1000.0).labels(Labels.of("job", stats.name())).build());
        }
        out.metricSnapshot(new CounterSnapshot(new MetricMetadata("switchboard_job_attempts",
                "Settled job attempts by job type and outcome (succeeded, failed), recorded by the workers"), attempts));
        out.metricSnapshot(new HistogramSnapshot(new MetricMetadata("switchboard_job_duration_seconds",
                "Job attempt durations by job type, recorded by the workers"), durations));
        return out.build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeSnapshot.GaugeDataPointSnapshot> points) {
        return new GaugeSnapshot(new MetricMetadata(name, help), points);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

}
