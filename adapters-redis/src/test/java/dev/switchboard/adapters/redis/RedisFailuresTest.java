package dev.switchboard.adapters.redis;

import dev.switchboard.ports.out.JobStoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which Redis failures mean "retry later" (503) and which mean a bug (500). */
class RedisFailuresTest {
    @Test
    void overloadedOrStartingRedisIsUnavailableNotABug() {
        for (String reply : new String[] {
                "OOM command not allowed when used memory > 'maxmemory'.",
                "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.",
                "LOADING Redis is loading the dataset in memory",
                "READONLY You can't write against a read only replica.",
                "MASTERDOWN Link with MASTER is down",
                "ERR Error running script (call to f_abc): @user_script:12: -OOM command not allowed when used memory > 'maxmemory'."}) {
            assertThrows(JobStoreUnavailableException.class, () -> RedisFailures.guard("enqueue", () -> {
                throw new RedisCommandExecutionException(reply);
            }), reply);
        }
        assertThrows(JobStoreUnavailableException.class, () -> RedisFailures.guard("enqueue", () -> {
            throw new RedisCommandTimeoutException("Command timed out after 5 second(s)");
        }));
    }

    @Test
    void anyOtherErrorReplyIsABug() {
        assertThrows(IllegalStateException.class, () -> RedisFailures.guard("enqueue", () -> {
            throw new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value");
        }));
    }
}
