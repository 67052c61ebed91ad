package dev.switchboard.roles.calls;

import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread for the whole role ({@code sb-call-reaper}), every 200 ms over every live call.
 * Duties:
 * <ul>
 *   <li>watchdog: ends a call whose stream delivered no audio for {@code CALL_MEDIA_TIMEOUT}
 *       (Twilio streams a frame every 20 ms, silence included, so a silent stream is a dead one);</li>
 *   <li>reaper: ends a call whose socket closed without {@code stop} and without the socket's own
 *       close callback reaching the session (a failed write, a half-open peer);</li>
 *   <li>a call that never sent {@code start} counts from when it connected.</li>
 * </ul>
 * Per-call threads belong to each {@link CallSession}; this one is started and joined by the role.
 */
final class CallSessionReaper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallSessionReaper.class.getName());
    private static final long PERIOD_MS = 200;

    private final CallSessions sessions;
    private final long timeoutNanos;
    private final Thread thread;
    private volatile boolean running = true;

    CallSessionReaper(CallSessions sessions, Duration mediaTimeout) {
        this.sessions = sessions;
        this.timeoutNanos = mediaTimeout.toNanos();
        this.thread = RoleThreads.start("sb-call-reaper", this::run);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (CallSession s : sessions.live()) {
                if (s.state() == CallSession.State.ENDED) {
                    continue;   // ending already, on another thread
                }
                String why = !s.socketOpen() ? "socket closed without stop (reaped)"
                        : now - s.lastMediaNanos() > timeoutNanos
                        ? "no media for " + Duration.ofNanos(timeoutNanos).toMillis() + " ms" : null;
                if (why != null) {
                    end(s, why);
                }
            }
        }
    }

    /**
     * Ends the call on a thread of its own: ending closes the socket, which can wait for a write
     * to a peer that stopped reading, and that must not hold up the reaping of every other call.
     * The thread ends with the call's end; the role's shutdown waits for every call's end.
     */
    private static void end(CallSession s, String why) {
        try {
            RoleThreads.startVirtual("sb-call-" + s.id() + "-end", () -> {
                try {
                    s.ended(why);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "reaping call " + s.id(), e);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reaping call " + s.id(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
