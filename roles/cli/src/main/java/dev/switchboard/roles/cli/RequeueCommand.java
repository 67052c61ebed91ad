package dev.switchboard.roles.cli;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code jobs requeue <id> | --all --queue Q}: failed (or canceled) jobs back on their queue, retries renewed. */
@Command(name = "requeue",
        description = "Put a failed or canceled job back on its queue (retry budget renewed), or every failed job of a queue.")
final class RequeueCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @ParentCommand
    JobsCommand jobs;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(index = "0", paramLabel = "JOB_ID", description = "the job to requeue")
        String jobId;

        @ArgGroup(exclusive = false)
        All all;
    }

    static final class All {
        @Option(names = "--all", required = true, description = "every failed job of --queue")
        boolean all;

        @Option(names = "--queue", paramLabel = "Q", required = true, description = "the queue whose failed jobs to requeue")
        String queue;
    }

    @Override
    public Integer call() {
        Map<String, Object> document = new LinkedHashMap<>();
        if (target.all != null) {
            String queue = Queues.existing(jobs, target.all.queue);
            int requeued = jobs.administration().requeueAllFailed(BusinessScope.all(), queue);
            document.put("queue", queue);
            document.put("requeued", requeued);
            jobs.print(document, "requeued " + requeued + " failed job" + (requeued == 1 ? "" : "s") + " of queue " + queue);
            return JobsCli.OK;
        }
        String id = target.jobId;
        if (!jobs.administration().requeue(BusinessScope.all(), id)) {
            Optional<JobView> job = jobs.inspection().find(BusinessScope.all(), id);
            throw new CliFailure(JobsCli.NOT_DONE, job.map(j -> "job " + id + " is " + j.status().id()
                    + ": only failed or canceled jobs can be requeued").orElse("no job " + id));
        }
        document.put("job_id", id);
        document.put("requeued", 1);
        jobs.print(document, "requeued " + id);
        return JobsCli.OK;
    }
}
