package dev.switchboard.adapters.media.twilio;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that fails once a deadline ({@link System#nanoTime()}) has passed: a body that trickles
 * in cannot hold its reader longer than the request's timeout. A read that blocks with nothing
 * arriving is not cut by this; the job's timeout interrupts it (the JDK's HTTP body stream answers
 * an interrupt).
 */
final class DeadlineInputStream extends FilterInputStream {
    private final long deadlineNanos;

    DeadlineInputStream(InputStream in, long deadlineNanos) {
        super(in);
        this.deadlineNanos = deadlineNanos;
    }

    private void check() throws IOException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new IOException("the body took longer than the request timeout");
        }
    }

    @Override
    public int read() throws IOException {
        check();
        return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        return super.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        return super.skip(n);
    }
}
