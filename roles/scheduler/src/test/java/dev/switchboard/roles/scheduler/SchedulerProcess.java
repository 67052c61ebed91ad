package dev.switchboard.roles.scheduler;

import dev.switchboard.testsupport.ChildJvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scheduler role in its own JVM ({@code SERVICE_ROLE=scheduler}), read through its log. */
final class SchedulerProcess implements AutoCloseable {
    private static final Pattern OWNER = Pattern.compile("scheduler (\\S+) starting:");
    private static final Pattern NEW = Pattern.compile("Enqueued (\\S+) \\(new\\)");
    private static final Pattern DUPLICATE = Pattern.compile("Enqueued (\\S+) \\(duplicate\\)");

    final ChildJvm jvm;
    private volatile String owner;
    private volatile boolean stoodBy;

    private SchedulerProcess(ChildJvm jvm) {
        this.jvm = jvm;
    }

    static SchedulerProcess start(String redisUrl, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("SERVICE_ROLE", "scheduler");
        env.put("REDIS_URL", redisUrl);
        // Per-tick lines (lock acquired, duplicate slots) are DEBUG; these tests read them.
        env.putIfAbsent("LOG_LEVEL", "DEBUG");
        return new SchedulerProcess(ChildJvm.start(SchedulerRole.class.getName(), env));
    }

    /** The lease owner id it logged at start, or null before it has. */
    String owner() {
        if (owner == null) {
            Matcher m = OWNER.matcher(jvm.output());
            if (m.find()) {
                owner = m.group(1);
            }
        }
        return owner;
    }

    String awaitOwner(Duration timeout) {
        jvm.awaitOutput("starting:", timeout);
        return owner();
    }

    /** It has ticked at least once as a standby (once true, stays true: no need to read the log again). */
    boolean standingBy() {
        if (!stoodBy) {
            stoodBy = jvm.output().contains("Lock held by ");
        }
        return stoodBy;
    }

    List<String> newSlots() {
        return all(NEW);
    }

    List<String> duplicateSlots() {
        return all(DUPLICATE);
    }

    private List<String> all(Pattern pattern) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(jvm.output());
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
