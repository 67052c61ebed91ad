package dev.switchboard.domain;

import dev.switchboard.ports.in.JobExecution;
import dev.switchboard.ports.in.JobFailure;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.out.CallRecordingException;
import dev.switchboard.ports.out.CallRecordings;
import dev.switchboard.ports.out.RecordingRepository;
import dev.switchboard.ports.out.StoredRecording;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code cleanup_old_recordings_job} (periodic, daily at 04:00, queue {@code maintenance}): deletes
 * the audio of recordings stored more than {@code retention_days} ago (7, from the periodic table)
 * at Twilio, then marks each one {@code deleted} in the store under its own business (the row and
 * its transcript stay with the call). A recording Twilio no longer has counts as deleted (its 404),
 * so the job is idempotent and a rerun after a partial run finishes the rest.
 *
 * <p>Every recording not yet deleted counts, whatever its status: a {@code pending} or
 * {@code failed} one (never transcribed) is deleted at Twilio all the same. A recording Twilio
 * cannot delete now (an outage, a refusal of that one request) is left for the next run; the others
 * go on, and the job then fails (and retries) naming how many were left. A refusal of the account
 * itself (401/403, or no account configured) stops the run at once and fails it for good: every
 * other delete would be refused too.
 */
public final class CleanupOldRecordingsJob implements JobHandler {

    public static final JobDefinition<Args> DEFINITION = JobDefinition.of("cleanup_old_recordings_job",
            Queues.MAINTENANCE, PeriodicJobs.DAILY_RETRY, Duration.ofMinutes(10), new Codec(),
            CleanupOldRecordingsJob::new);

    /** How many recordings one look at the store takes. */
    static final int BATCH = 200;

    /** @param retentionDays how many days of recordings to keep */
    public record Args(int retentionDays) {
        public Args {
            if (retentionDays < 1 || retentionDays > 3650) {
                throw new IllegalArgumentException("job argument 'retention_days' must be 1..3650 days");
            }
        }
    }

    private static final class Codec implements JobDefinition.Codec<Args> {
        @Override
        public Map<String, Object> encode(Args a) {
            return Kwargs.builder().put("retention_days", a.retentionDays()).build();
        }

        @Override
        public Args decode(Kwargs kwargs) {
            long days = kwargs.optionalLong("retention_days").orElse((long) PeriodicJobs.RECORDING_RETENTION_DAYS);
            if (days < 1 || days > 3650) {
                throw new IllegalArgumentException("job argument 'retention_days' must be 1..3650 days");
            }
            return new Args((int) days);
        }
    }

    private final RecordingRepository recordings;
    private final CallRecordings provider;
    private final Clock clock;

    public CleanupOldRecordingsJob(JobCollaborators c) {
        this.recordings = c.recordings();
        this.provider = c.callRecordings();
        this.clock = c.clock();
    }

    @Override
    public Object run(JobExecution job) {
        Args args = DEFINITION.argsOf(job);
        Instant cutoff = clock.instant().minus(Duration.ofDays(args.retentionDays()));
        Map<String, Integer> deletedPerBusiness = new TreeMap<>();
        int alreadyGone = 0;
        Set<String> failed = new HashSet<>();
        // Recordings looked at that are still due (failed at Twilio, or changed under us): never twice.
        Set<String> seen = new HashSet<>();
        String lastFailure = null;
        while (true) {
            List<StoredRecording> batch = recordings.dueForDeletion(cutoff, BATCH + seen.size());
            List<StoredRecording> todo = batch.stream().filter(r -> !seen.contains(r.recordingSid())).toList();
            if (todo.isEmpty()) {
                break;
            }
            for (StoredRecording recording : todo) {
                boolean deletedNow;
                try {
                    deletedNow = provider.delete(recording.recordingSid());
                } catch (CallRecordingException e) {
                    if (e.kind() == CallRecordingException.Kind.DENIED) {
                        // The account itself is refused: every other recording would be too, and
                        // retrying cannot help until someone fixes the configuration.
                        throw JobFailure.permanent("Twilio refused the account while deleting recording "
                                + recording.recordingSid() + "; stopped the run after deleting " + total(deletedPerBusiness)
                                + " (" + alreadyGone + " already gone), no retry until the account is fixed and the job"
                                + " requeued: " + e.getMessage(), e);
                    }
                    failed.add(recording.recordingSid());
                    seen.add(recording.recordingSid());
                    lastFailure = recording.recordingSid() + ": " + e.getMessage();
                    continue;
                }
                if (!deletedNow) {
                    alreadyGone++;
                }
                if (recordings.markDeleted(recording.businessId(), recording.recordingSid(), clock.instant())) {
                    deletedPerBusiness.merge(recording.businessId(), 1, Integer::sum);
                } else {
                    seen.add(recording.recordingSid());
                }
            }
            job.progress().report(Math.min(99, total(deletedPerBusiness)),
                    "deleted " + total(deletedPerBusiness) + " recordings");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("recorded_before", cutoff.toString());
        result.put("deleted", total(deletedPerBusiness));
        result.put("deleted_per_business", deletedPerBusiness);
        result.put("already_gone_at_twilio", alreadyGone);
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.size() + " recording(s) could not be deleted at Twilio and were"
                    + " left for the retry (" + result + "); the last: " + lastFailure);
        }
        return result;
    }

    private static int total(Map<String, Integer> deletedPerBusiness) {
        return deletedPerBusiness.values().stream().mapToInt(i -> i).sum();
    }
}
