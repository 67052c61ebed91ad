package dev.switchboard.ports.out;

import java.util.Optional;

/**
 * Keeps the one VAPID key pair generated when none is configured, so that it survives restarts
 * and every process of the deployment signs with the same key.
 */
public interface VapidKeyStore {

    /** The kept pair, if one was kept. */
    Optional<VapidKeyPair> kept();

    /**
     * Keeps {@code candidate} unless a pair is already kept, atomically, and returns the pair that
     * is kept now: two processes generating at once both get the first one stored.
     */
    VapidKeyPair keepFirst(VapidKeyPair candidate);
}
