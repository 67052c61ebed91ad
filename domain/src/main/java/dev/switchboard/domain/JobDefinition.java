package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.ports.out.RetryPolicy;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything about one job type that is not its handler's code: its name, queue, retry policy,
 * timeout, how its typed arguments become keyword arguments and back, and how its handler is
 * built. Each job type's own file holds its definition as {@code DEFINITION}; {@link JobCatalogue}
 * lists them all. Enqueuers build requests here and nowhere else, so a job's field list, queue
 * and dedupe rules live in one place.
 *
 * @param <A> the job's argument record
 */
public final class JobDefinition<A> {

    /** Turns a job's argument record into JSON-shaped keyword arguments and back. */
    public interface Codec<A> {
        Map<String, Object> encode(A args);

        A decode(Kwargs kwargs);
    }

    /** The arguments of a job that takes none (the periodic jobs). */
    public record NoArgs() {
    }

    /** The codec of {@link NoArgs}: no keyword arguments. */
    public static final Codec<NoArgs> NO_ARGS = new Codec<>() {
        @Override
        public Map<String, Object> encode(NoArgs args) {
            return Kwargs.builder().build();
        }

        @Override
        public NoArgs decode(Kwargs kwargs) {
            return new NoArgs();
        }
    };

    private final String name;
    private final String queue;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final Codec<A> codec;
    private final Function<JobCollaborators, JobHandler> handler;

    private JobDefinition(String name, String queue, RetryPolicy retry, Duration timeout, Codec<A> codec,
                          Function<JobCollaborators, JobHandler> handler) {
        this.name = Objects.requireNonNull(name, "name");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.handler = Objects.requireNonNull(handler, "handler");
        if (!Queues.ALL.contains(queue)) {
            throw new IllegalArgumentException("unknown queue '" + queue + "' for " + name);
        }
    }

    /**
     * A job type.
     *
     * @param handler builds the handler from the worker's collaborators (usually the job class's
     *                constructor reference)
     */
    public static <A> JobDefinition<A> of(String name, String queue, RetryPolicy retry, Duration timeout,
                                          Codec<A> codec, Function<JobCollaborators, JobHandler> handler) {
        return new JobDefinition<>(name, queue, retry, timeout, codec, handler);
    }

    public String name() {
        return name;
    }

    public String queue() {
        return queue;
    }

    public RetryPolicy retry() {
        return retry;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A request for one job with a random id and no dedupe. */
    public JobRequest request(A args, String businessId, String traceId) {
        return JobRequest.of(name, queue, codec.encode(args), businessId, traceId)
                .withRetry(retry)
                .withTimeout(timeout);
    }

    /**
     * A request for the one job of an event that may arrive more than once: deduplicated on
     * {@code dedupeKey} for {@code ttl}. The queue derives the job's id from the key with a server
     * secret ({@code JOB_ID_SECRET}), so every delivery of the event maps to the same job and
     * nobody can compute another business's job id from a guessable key.
     */
    public JobRequest deduplicatedRequest(A args, String businessId, String traceId, String dedupeKey,
                                          Duration ttl) {
        return request(args, businessId, traceId).withDedupe(dedupeKey, ttl);
    }

    /**
     * A request from keyword arguments that arrive as data (an operator's {@code jobs enqueue}):
     * they are decoded with this job's codec, so a missing or mistyped argument is refused exactly
     * as a worker would refuse it, and an argument the job does not know is refused too (it would
     * be dropped silently). What is stored is the re-encoded record: the same kwargs the job's own
     * enqueuers write.
     *
     * @throws IllegalArgumentException naming the argument that is missing, mistyped or unknown
     */
    public JobRequest requestFromKwargs(Map<String, Object> kwargs, String businessId, String traceId) {
        A args;
        try {
            args = codec.decode(new Kwargs(Map.copyOf(kwargs.entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // A codec that parses a value (a time, an enum) may fail with its own exception type.
            throw new IllegalArgumentException("invalid arguments for " + name + ": " + e.getMessage(), e);
        }
        Map<String, Object> encoded = codec.encode(args);
        Set<String> unknown = new TreeSet<>();
        kwargs.forEach((key, value) -> {
            if (value != null && !encoded.containsKey(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + " takes no argument" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()));
        }
        return request(args, businessId, traceId);
    }

    /**
     * The typed arguments of a job being run. Decoding fails with a message naming the bad
     * argument; a malformed job is a bug, so the failure is permanent.
     */
    public A argsOf(JobExecution job) {
        if (!job.name().equals(name)) {
            throw new IllegalArgumentException("job " + job.jobId() + " is a " + job.name() + ", not a " + name);
        }
        return codec.decode(new Kwargs(job.kwargs()));
    }

    /** This job's handler, built from the worker's collaborators. */
    JobHandler handler(JobCollaborators collaborators) {
        return handler.apply(collaborators);
    }

    @Override
    public String toString() {
        return name + " (queue " + queue + ")";
    }
}
