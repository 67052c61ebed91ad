package dev.switchboard.roles.cli;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobPage;
import dev.switchboard.ports.out.JobStatus;
import dev.switchboard.ports.out.JobView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jobs failed [--queue Q]}: the failed jobs of a queue (or of every queue) with their errors. */
@Command(name = "failed",
        description = "Failed jobs, oldest first, with their errors (requeue them with `jobs requeue`).")
final class FailedCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @ParentCommand
    JobsCommand jobs;

    @Option(names = "--queue", paramLabel = "Q", description = "one queue; default: every queue")
    String queue;

    @Option(names = "--business", paramLabel = "B", description = "only this business's jobs")
    String business;

    @Option(names = "--limit", defaultValue = "20", description = "most jobs shown per queue; default ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "skip this many per queue; default ${DEFAULT-VALUE}")
    int offset;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000 || offset < 0) {
            throw new CliFailure(JobsCli.USAGE, "--limit must be 1..1000 and --offset at least 0");
        }
        BusinessScope scope = business == null ? BusinessScope.all() : BusinessScope.of(business);
        List<String> queues = queue == null ? Queues.known(jobs) : List.of(Queues.existing(jobs, queue));
        List<Map<String, Object>> documents = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (String q : queues) {
            JobPage page = jobs.inspection().list(scope, JobStatus.FAILED, q, offset, limit);
            total += page.total();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("queue", q);
            d.put("total", page.total());
            d.put("jobs", page.jobs().stream().map(FailedCommand::document).toList());
            documents.add(d);
            if (page.total() == 0 && queue == null) {
                continue;
            }
            text.append("queue ").append(q).append(": ").append(page.total()).append(" failed");
            if (page.jobs().size() < page.total()) {
                text.append(" (showing ").append(page.jobs().size()).append(" from ").append(offset + 1).append(')');
            }
            text.append('\n');
            for (JobView job : page.jobs()) {
                text.append("  ").append(job.id()).append("  ").append(job.name()).append("  business ")
                        .append(job.businessId()).append("  attempts ").append(job.attempts())
                        .append(job.endedAt().map(t -> "  failed at " + t).orElse("")).append('\n');
                job.error().ifPresent(error -> text.append("      ").append(Text.firstLine(error)).append('\n'));
            }
        }
        if (queue == null) {
            text.append(total).append(" failed jobs in ").append(queues.size()).append(" queues");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("queues", documents);
        jobs.print(document, text.toString().stripTrailing());
        return JobsCli.OK;
    }

    static Map<String, Object> document(JobView job) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", job.id());
        d.put("name", job.name());
        d.put("queue", job.queue());
        d.put("status", job.status().id());
        d.put("business_id", job.businessId());
        d.put("trace_id", job.traceId());
        d.put("run_id", job.runId().orElse(null));
        d.put("kwargs", job.kwargs());
        d.put("attempts", job.attempts());
        d.put("enqueued_at", Text.iso(job.enqueuedAt()));
        d.put("ended_at", Text.iso(job.endedAt()));
        d.put("error", job.error().orElse(null));
        return d;
    }
}
