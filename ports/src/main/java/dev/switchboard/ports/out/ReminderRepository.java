package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reminders, and the log of pushes sent for them. */
public interface ReminderRepository {

    /**
     * Stores a new reminder.
     *
     * @throws IllegalArgumentException the lead is not one of the business's leads
     */
    Reminder create(NewReminder reminder);

    Optional<Reminder> find(String businessId, String reminderId);

    /** The business's reminders due at or after {@code from}, soonest first; of one user when given. */
    List<Reminder> list(String businessId, Optional<String> userId, Instant from, int limit);

    /** Deletes one of the business's reminders (and its push log); false when there is none. */
    boolean delete(String businessId, String reminderId);

    /**
     * Reminders of every business due in {@code [from, to]} that are still owed the push of
     * {@code now}: no push is logged for the offset owed at {@code now}, the smallest of
     * {@code offsets} (minutes) whose moment (due time minus offset) has come. Soonest first.
     * Reminders already pushed are left out, so that they cannot fill the page and starve the rest.
     */
    List<Reminder> owedBetween(Instant from, Instant to, Instant now, List<Integer> offsets, int limit);

    /**
     * Logs the push of {@code reminder} at {@code offsetMinutes} and runs {@code push} while that
     * log row is written but not committed: the row is committed only if {@code push} returns, so
     * a failed push is tried again by a later tick; a concurrent caller waits for the row and then
     * finds it. Returns false, without running {@code push}, when the row already exists.
     */
    boolean pushOnce(Reminder reminder, int offsetMinutes, Runnable push);

    /** Deletes reminders due before {@code cutoff} with their push log; returns how many. */
    int deleteDueBefore(Instant cutoff);
}
