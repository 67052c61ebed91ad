package dev.switchboard.ports.out;

import java.util.Objects;
import java.util.Optional;

/**
 * Whose jobs a caller may see or change: one business, or (operators with the admin token) all.
 * A job outside the scope is reported as not found, never as forbidden.
 */
public sealed interface BusinessScope {
    /**
     * Business ids beginning with this belong to Switchboard itself ({@code _system} owns the
     * scheduler's jobs): no token, tenant, payload or admin request may name one.
     */
    String RESERVED_PREFIX = "_";

    /**
     * The benchmarks' business ({@code ./switchboard bench webhooks} and {@code abuse}): reserved, so
     * no tenant, token or business's data can ever be it. It is the one reserved id the WhatsApp
     * webhook accepts (behind the internal secret); its jobs store nothing, and the bench deletes
     * them when it is done (docs/operations.md).
     */
    String BENCH = "_bench";

    /** Whether {@code businessId} is one of Switchboard's own, never a tenant's. */
    static boolean isReserved(String businessId) {
        return businessId.startsWith(RESERVED_PREFIX);
    }

    boolean includes(String businessId);

    /** The one business, or empty for all. */
    Optional<String> businessId();

    static BusinessScope of(String businessId) {
        return new One(businessId);
    }

    static BusinessScope all() {
        return All.INSTANCE;
    }

    record One(String id) implements BusinessScope {
        public One {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("business id must not be blank");
            }
        }

        @Override
        public boolean includes(String businessId) {
            return id.equals(businessId);
        }

        @Override
        public Optional<String> businessId() {
            return Optional.of(id);
        }
    }

    enum All implements BusinessScope {
        INSTANCE;

        @Override
        public boolean includes(String businessId) {
            return true;
        }

        @Override
        public Optional<String> businessId() {
            return Optional.empty();
        }
    }
}
