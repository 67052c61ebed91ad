package dev.switchboard.roles.common;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This machine's name, for worker names and lease owners an operator can read ({@code rq info},
 * the dashboard). {@code HOSTNAME} is a shell variable that is rarely exported to a service, so
 * the kernel's name is asked for when it is missing.
 */
public final class HostNames {
    private HostNames() {
    }

    /** {@code HOSTNAME} if exported, else the system's host name, else {@code localhost}. */
    public static String current() {
        return current(System.getenv("HOSTNAME"), HostNames::fromSystem);
    }

    static String current(String environment, Supplier<Optional<String>> system) {
        if (environment != null && !environment.isBlank()) {
            return sanitized(environment);
        }
        return system.get().filter(name -> !name.isBlank()).map(HostNames::sanitized).orElse("localhost");
    }

    private static Optional<String> fromSystem() {
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) {
                String name = Files.readString(etc).strip();
                if (!name.isEmpty()) {
                    return Optional.of(name);
                }
            }
        } catch (IOException | SecurityException ignored) {
            // fall through to the resolver
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Worker names and lease owners are Redis key parts: no whitespace or colons, bounded. */
    private static String sanitized(String name) {
        String cleaned = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
