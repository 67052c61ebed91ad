package dev.switchboard.roles.cli;

import dev.switchboard.ports.out.RegisteredWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jobs workers}: every registered worker, its queues, what it runs and its totals. */
@Command(name = "workers",
        description = "Registered workers: state, queues, current job, heartbeat and totals.")
final class WorkersCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @ParentCommand
    JobsCommand jobs;

    @Override
    public Integer call() {
        List<RegisteredWorker> workers = jobs.workers().workers();
        Instant now = jobs.clock().instant();
        StringBuilder text = new StringBuilder();
        text.append(workers.size()).append(workers.size() == 1 ? " worker" : " workers");
        for (RegisteredWorker w : workers) {
            text.append("\n  ").append(line(w)).append("\n      ")
                    .append("host ").append(w.hostname()).append(" pid ").append(w.pid())
                    .append(", up ").append(w.birth().map(b -> Text.age(Duration.between(b, now))).orElse("?"))
                    .append(", last heartbeat ").append(w.lastHeartbeat().map(h -> Text.age(Duration.between(h, now)) + " ago")
                            .orElse("never"))
                    .append(", ").append(w.succeeded()).append(" succeeded, ").append(w.failed()).append(" failed, ")
                    .append(Text.age(Duration.ofMillis(Math.round(w.workingSeconds() * 1000)))).append(" working");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("workers", workers.stream().map(w -> document(w, now)).toList());
        jobs.print(document, text.toString());
        return JobsCli.OK;
    }

    /** {@code name  busy  high,default  job <id>}. */
    static String line(RegisteredWorker w) {
        return w.name() + "  " + w.state() + "  " + String.join(",", w.queues())
                + w.currentJob().map(job -> "  job " + job).orElse("");
    }

    static Map<String, Object> document(RegisteredWorker w, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", w.name());
        d.put("state", w.state());
        d.put("queues", w.queues());
        d.put("current_job", w.currentJob().orElse(null));
        d.put("hostname", w.hostname());
        d.put("pid", w.pid());
        d.put("birth", Text.iso(w.birth()));
        d.put("last_heartbeat", Text.iso(w.lastHeartbeat()));
        d.put("last_heartbeat_age_seconds", w.lastHeartbeat().map(h -> Text.seconds(Duration.between(h, now))).orElse(null));
        d.put("succeeded", w.succeeded());
        d.put("failed", w.failed());
        d.put("working_seconds", w.workingSeconds());
        return d;
    }
}
