package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A new operator's mistakes, in real processes: each ends in one clear line and a non-zero exit,
 * and what a running role writes is JSON, line by line.
 */
class OperatorMistakesTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.url());
        env.put("DATABASE_URL", postgres.databaseUrl());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aPortInUseIsOneLineAndExitStatus2InEveryRoleThatListens() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            for (String role : List.of("api", "calls", "all")) {
                try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(),
                        env("SERVICE_ROLE", role, "PORT", Integer.toString(taken.getLocalPort())))) {
                    assertEquals(2, process.waitFor(Duration.ofSeconds(60)), role + ": " + process.output());
                    String out = process.output();
                    assertTrue(out.contains("switchboard: port " + taken.getLocalPort() + " is already in use"), out);
                    assertFalse(out.contains("\tat "), role + " prints no stack trace: " + out);
                }
            }
        }
    }

    @Test
    void helpPrintsUsageAndStartsNothing() {
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "api"), "--help")) {
            assertEquals(0, process.waitFor(Duration.ofSeconds(30)), process.output());
            assertTrue(process.output().contains("usage: ./switchboard"), process.output());
            assertFalse(process.output().contains("listening"), process.output());
        }
    }

    @Test
    void anUnknownArgumentIsOneLineAndExitStatus2() {
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "api"), "--prot", "80")) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)), process.output());
            assertEquals("switchboard: unknown argument '--prot' (./switchboard --help lists the commands)",
                    process.output().strip());
        }
    }

    @Test
    void aShortSecretIsOneLineSayingHowToGenerateOne() {
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(),
                env("SERVICE_ROLE", "api", "ADMIN_TOKEN", "admin"))) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)), process.output());
            assertTrue(process.output().contains("ADMIN_TOKEN is shorter than 32 characters; generate one with: "
                    + "openssl rand -hex 32"), process.output());
        }
    }

    @Test
    void everyLineARunningRoleWritesIsJson() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "all",
                "PORT", Integer.toString(port), "SCHEDULER_TICK", "1s"))) {
            process.awaitOutput("api role listening", Duration.ofSeconds(60));
            Thread.sleep(2_500);
            process.terminate();
            process.waitFor(Duration.ofSeconds(60));
            for (String line : process.output().split("\\R")) {
                if (!line.isBlank() && !(line.startsWith("{\"ts\":") && line.endsWith("}") && line.contains("\"msg\":"))) {
                    fail("not a JSON log line: " + line + "\n--- whole output:\n" + process.output());
                }
            }
        }
    }
}
