package dev.switchboard.roles.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.domain.JobCatalogue;
import dev.switchboard.domain.JobDefinition;
import dev.switchboard.domain.PeriodicJobs;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code jobs enqueue <job> --kwargs JSON [--business B]}: one job of a type in the catalogue, on
 * that type's queue with its retries and timeout. The arguments go through the job's own codec
 * ({@link JobDefinition#requestFromKwargs}), so an unknown job, a missing or mistyped argument or
 * one the job does not take is refused and nothing is written.
 */
@Command(name = "enqueue",
        description = "Enqueue one job of a known type; its arguments are checked by the job's own codec.")
final class EnqueueCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    JobsCommand jobs;

    @Parameters(index = "0", paramLabel = "JOB", description = "a job name, e.g. reminders_tick_job")
    String job;

    @Option(names = "--kwargs", paramLabel = "JSON", defaultValue = "{}",
            description = "the job's keyword arguments as a JSON object; default ${DEFAULT-VALUE}")
    String kwargs;

    @Option(names = "--business", paramLabel = "B", defaultValue = PeriodicJobs.SYSTEM_BUSINESS,
            description = "the business the job belongs to; default ${DEFAULT-VALUE} (Switchboard's own)")
    String business;

    @Override
    public Integer call() {
        Map<String, Object> arguments = parse(kwargs);
        if (business.isBlank() || (BusinessScope.isReserved(business) && !business.equals(PeriodicJobs.SYSTEM_BUSINESS))) {
            throw new CliFailure(JobsCli.USAGE, "--business '" + business + "' is reserved: ids beginning with '"
                    + BusinessScope.RESERVED_PREFIX + "' belong to Switchboard (only " + PeriodicJobs.SYSTEM_BUSINESS
                    + " may be named)");
        }
        JobDefinition<?> definition = JobCatalogue.definition(job).orElseThrow(() -> new CliFailure(JobsCli.NOT_DONE,
                "unknown job '" + job + "' (jobs: " + String.join(", ", new TreeSet<>(JobCatalogue.names())) + ")"));
        String traceId = "cli-" + UUID.randomUUID();
        JobRequest request;
        try {
            request = definition.requestFromKwargs(arguments, business, traceId);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(JobsCli.NOT_DONE, "refused: " + e.getMessage());
        }
        EnqueueResult result = jobs.queue().enqueue(request);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("job_id", result.jobId());
        document.put("job", request.name());
        document.put("queue", request.queue());
        document.put("business_id", request.businessId());
        document.put("trace_id", traceId);
        document.put("duplicate", result instanceof EnqueueResult.Duplicate);
        jobs.print(document, (result instanceof EnqueueResult.Duplicate ? "already queued: " : "enqueued ")
                + request.name() + " as " + result.jobId() + " on queue " + request.queue()
                + " (business " + request.businessId() + ", trace " + traceId + ")");
        return JobsCli.OK;
    }

    private static Map<String, Object> parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliFailure(JobsCli.USAGE, "--kwargs is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new CliFailure(JobsCli.USAGE, "--kwargs must be a JSON object, e.g. '{\"user_id\":\"u1\"}'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(node, Map.class);
        return Optional.ofNullable(map).orElse(Map.of());
    }
}
