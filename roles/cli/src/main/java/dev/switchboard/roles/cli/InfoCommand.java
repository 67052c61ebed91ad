package dev.switchboard.roles.cli;

import dev.switchboard.ports.out.QueueStats;
import dev.switchboard.ports.out.RegisteredWorker;
import dev.switchboard.ports.out.SchedulerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jobs info}: every queue with its counts (the six of the architecture, then any other
 * queue Redis knows, as {@code rq info} lists them), the workers, and the scheduler's leader and
 * last tick.
 */
@Command(name = "info",
        description = "Queues with their counts, workers, and the scheduler's leader and last tick.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @ParentCommand
    JobsCommand jobs;

    @Override
    public Integer call() {
        List<QueueStats> queues = jobs.inspection().stats(Queues.known(jobs));
        List<RegisteredWorker> workers = jobs.workers().workers();
        SchedulerStatus.Snapshot scheduler = jobs.scheduler().read();
        Instant now = jobs.clock().instant();
        jobs.print(document(queues, workers, scheduler, now), text(queues, workers, scheduler, now));
        return JobsCli.OK;
    }

    static Map<String, Object> queueDocument(QueueStats q) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", q.queue());
        d.put("queued", q.queued());
        d.put("started", q.started());
        d.put("scheduled", q.scheduled());
        d.put("failed", q.failed());
        d.put("finished", q.finished());
        d.put("canceled", q.canceled());
        d.put("oldest_queued_age_seconds", Text.seconds(q.oldestQueuedAge()));
        return d;
    }

    private static Map<String, Object> document(List<QueueStats> queues, List<RegisteredWorker> workers,
                                                SchedulerStatus.Snapshot scheduler, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queues", queues.stream().map(InfoCommand::queueDocument).toList());
        d.put("workers", workers.stream().map(w -> WorkersCommand.document(w, now)).toList());
        d.put("scheduler", schedulerDocument(scheduler, now));
        return d;
    }

    private static Map<String, Object> schedulerDocument(SchedulerStatus.Snapshot s, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("leader", s.leaseOwner().orElse(null));
        d.put("lease_remaining_seconds", Text.seconds(s.leaseRemaining()));
        d.put("last_tick", Text.iso(s.lastTick()));
        d.put("last_tick_age_seconds", s.lastTick().map(t -> Text.seconds(Duration.between(t, now))).orElse(null));
        return d;
    }

    private static String text(List<QueueStats> queues, List<RegisteredWorker> workers,
                               SchedulerStatus.Snapshot scheduler, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-12s %8s %8s %10s %8s %9s %9s  %s%n", "queue", "queued", "started", "scheduled",
                "failed", "finished", "canceled", "oldest waiting"));
        long waiting = 0;
        for (QueueStats q : queues) {
            b.append(String.format("%-12s %8d %8d %10d %8d %9d %9d  %s%n", q.queue(), q.queued(), q.started(),
                    q.scheduled(), q.failed(), q.finished(), q.canceled(), Text.age(q.oldestQueuedAge())));
            waiting += q.queued();
        }
        b.append(queues.size()).append(" queues, ").append(waiting).append(waiting == 1 ? " job" : " jobs").append(" waiting\n\n");
        b.append(workers.size()).append(workers.size() == 1 ? " worker" : " workers").append('\n');
        for (RegisteredWorker w : workers) {
            b.append("  ").append(WorkersCommand.line(w)).append('\n');
        }
        b.append('\n').append("scheduler: ");
        List<String> parts = new ArrayList<>();
        parts.add(scheduler.leaseOwner().map(owner -> "leader " + owner
                        + scheduler.leaseRemaining().map(r -> " (lease " + Text.age(r) + " left)").orElse(" (lease without expiry)"))
                .orElse("no leader"));
        parts.add("last tick " + Text.ago(scheduler.lastTick(), now));
        b.append(String.join(", ", parts));
        return b.toString();
    }
}
