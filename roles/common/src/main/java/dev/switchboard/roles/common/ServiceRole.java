package dev.switchboard.roles.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a process is, chosen by {@code SERVICE_ROLE}. One process, one role. */
public enum ServiceRole {
    /** Webhooks, job API, health: enqueues only, never starts a thread. */
    API,
    /** Executes jobs from {@code RQ_QUEUES}; serves no HTTP routes. */
    WORKER,
    /** Enqueues periodic jobs under the leader lease; executes nothing. */
    SCHEDULER,
    /** Live calls: Twilio Media Streams and streaming speech-to-text. */
    CALLS,
    /** Development only: every role in one process. */
    ALL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String validNames() {
        return Arrays.stream(values()).map(ServiceRole::id).collect(Collectors.joining(", "));
    }

    /** @throws ConfigException naming the valid roles when {@code value} is not one of them */
    public static ServiceRole parse(String value) {
        for (ServiceRole role : values()) {
            if (role.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new ConfigException("unknown SERVICE_ROLE '" + value + "'; valid roles are: " + validNames());
    }
}
