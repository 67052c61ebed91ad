package dev.switchboard.domain;

import java.util.List;

/** The queue names, highest priority first (docs/architecture.md, "The queue"). */
public final class Queues {
    public static final String HIGH = "high";
    public static final String DEFAULT = "default";
    public static final String LOW = "low";
    public static final String MAINTENANCE = "maintenance";
    public static final String BROADCASTS = "broadcasts";
    public static final String RECORDINGS = "recordings";

    /** Every queue, in priority order: the default of {@code RQ_QUEUES}. */
    public static final List<String> ALL = List.of(HIGH, DEFAULT, LOW, MAINTENANCE, BROADCASTS, RECORDINGS);

    private Queues() {
    }
}
