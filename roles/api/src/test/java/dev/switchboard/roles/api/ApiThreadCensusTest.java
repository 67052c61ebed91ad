package dev.switchboard.roles.api;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runtime census: start the api role, send 1000 webhooks, and check that every platform thread
 * that appeared is a library I/O thread on {@link LibraryThreads}'s allow-list. The static rule
 * (architecture-tests) covers code paths this load does not take, and virtual threads, which the
 * JVM does not list.
 */
class ApiThreadCensusTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void apiRoleStartsNoThreadsBeyondLibraryIoThreads() {
        // The test's own HTTP client exists before the baseline; its pool threads are named apart.
        ApiFixture.warmUpClient();
        Set<String> before = threadNames();
        int accepted = 0;
        try (ApiFixture api = new ApiFixture(redis.url())) {
            for (int i = 0; i < 1000; i++) {
                // every 10th message repeats an earlier one: the duplicate path runs too
                HttpResponse<String> response = api.postWebhook(ApiFixture.message("census",
                        "CENSUS-" + (i % 10 == 9 ? i - 1 : i), "hello " + i));
                assertEquals(200, response.statusCode(), response.body());
                accepted++;
            }
            api.postWebhook("{broken", ApiFixture.SECRET, "application/json");
            api.postWebhook("{}", "wrong", "application/json");
            api.get("/health");

            Set<String> appeared = new TreeSet<>(threadNames());
            appeared.removeAll(before);
            appeared.removeIf(name -> name.startsWith(ApiFixture.CLIENT_THREAD_PREFIX));
            Set<String> unexpected = appeared.stream().filter(name -> !LibraryThreads.allowed(name))
                    .collect(Collectors.toCollection(TreeSet::new));
            System.out.println("api thread census: " + accepted + " webhooks, new platform threads "
                    + appeared.size() + " " + appeared);
            assertTrue(unexpected.isEmpty(), "threads not on LibraryThreads' allow-list: " + unexpected);
            assertTrue(!appeared.isEmpty(), "the census must see the library's own threads start");
        }
        assertEquals(900L, redis.commands().llen("rq:queue:default"));
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
