package dev.switchboard.roles.cli;

import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.CancelOutcome;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jobs cancel <id> | --run R --business B}: a queued or scheduled job is canceled at once; a
 * running one is asked to stop at its next cancellation point. A run is canceled only within its
 * business, as the API does.
 */
@Command(name = "cancel",
        description = "Cancel a job, or every job of one bulk run of a business.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @ParentCommand
    JobsCommand jobs;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(index = "0", paramLabel = "JOB_ID", description = "the job to cancel")
        String jobId;

        @ArgGroup(exclusive = false)
        Run run;
    }

    static final class Run {
        @Option(names = "--run", paramLabel = "R", required = true, description = "the run id")
        String runId;

        @Option(names = "--business", paramLabel = "B", required = true, description = "the business the run belongs to")
        String business;
    }

    @Override
    public Integer call() {
        Map<String, Object> document = new LinkedHashMap<>();
        if (target.run != null) {
            int affected = jobs.administration().cancelRun(target.run.business, target.run.runId);
            document.put("run_id", target.run.runId);
            document.put("business_id", target.run.business);
            document.put("canceled", affected);
            if (affected == 0) {
                throw new CliFailure(JobsCli.NOT_DONE, "run " + target.run.runId + " of business " + target.run.business
                        + " has no queued, scheduled or running job");
            }
            jobs.print(document, "canceled " + affected + " job" + (affected == 1 ? "" : "s") + " of run "
                    + target.run.runId + " (business " + target.run.business + ")");
            return JobsCli.OK;
        }
        String id = target.jobId;
        CancelOutcome outcome = jobs.administration().cancel(BusinessScope.all(), id);
        switch (outcome) {
            case NOT_FOUND -> throw new CliFailure(JobsCli.NOT_DONE, "no job " + id);
            case ALREADY_DONE -> throw new CliFailure(JobsCli.NOT_DONE, "job " + id
                    + " had already finished, failed or been canceled: nothing changed");
            case CANCELED, CANCEL_REQUESTED -> { }
        }
        document.put("job_id", id);
        document.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        jobs.print(document, outcome == CancelOutcome.CANCELED ? "canceled " + id
                : "job " + id + " is running: its worker was asked to stop it");
        return JobsCli.OK;
    }
}
