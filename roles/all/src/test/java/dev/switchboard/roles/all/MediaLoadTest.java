package dev.switchboard.roles.all;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench calls} against a real calls process it starts (its own JVM, on a real Redis), with
 * {@value #CALLS} calls for {@value #SECONDS} s (CI-sized), so the load tool cannot rot unnoticed: every frame the callers sent was handled by
 * the calls process (its /metrics agrees), each caller's line became a final transcript that the
 * agent answered with audio the callers timed, the cost figures are there, and the calls' jobs are
 * gone from Redis afterwards.
 */
class MediaLoadTest {
    private static final int CALLS = 20;
    private static final int SECONDS = 10;

    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @Test
    void aFewSimulatedCallsAreStreamedAnsweredAndMeasured() {
        String out = bench("calls", "--calls", Integer.toString(CALLS), "--seconds", Integer.toString(SECONDS), "--ramp-up", "0.5", "--warm-up", "0", "--redis-url", redis.url(),
                "--calls-jvm-options", "-Xmx256m -XX:+UseSerialGC");
        System.out.println(out);
        assertEquals(CALLS, figure(out, "calls_connected"), out);
        assertEquals(0, figure(out, "calls_dropped"), out);
        assertEquals(0, figure(out, "calls_not_closed_after_stop"), out);
        double sent = figure(out, "frames_sent");
        // Every call at 50 frames a second for at least the window.
        assertTrue(sent >= CALLS * 50 * SECONDS, out);
        assertEquals(sent, figure(out, "frames_handled"), "every frame sent was handled, once: " + out);
        assertEquals(figure(out, "window_frames_sent"), figure(out, "window_frames_handled"), CALLS * 2,
                "the window's frames, give or take one in flight per call at each end: " + out);
        double p50 = figure(out, "frame_handling_p50_ms");
        double p99 = figure(out, "frame_handling_p99_ms");
        assertTrue(p50 > 0 && p50 <= p99 && p99 < 1000, out);
        assertEquals(CALLS, figure(out, "speech_streams"), out);
        assertTrue(figure(out, "utterances") >= CALLS, "each caller spoke after the greeting: " + out);
        assertTrue(figure(out, "final_transcripts") >= CALLS, out);
        assertTrue(figure(out, "answers_measured") >= CALLS, "each caller timed the agent's answer: " + out);
        double answer = figure(out, "answer_p50_ms");
        assertTrue(answer > 0 && answer <= figure(out, "answer_p99_ms") && figure(out, "answer_p99_ms") < 5000, out);
        double inside = figure(out, "answers_in_process");
        assertTrue(inside > 0 && inside <= figure(out, "final_transcripts"), "the calls process timed its answers: " + out);
        double insideP50 = figure(out, "answer_in_process_p50_ms");
        assertTrue(insideP50 > 0 && insideP50 <= figure(out, "answer_in_process_p99_ms"), out);
        assertTrue(figure(out, "answers_in_process_over_50ms") >= 0, out);
        assertTrue(figure(out, "frames_received") > 100, "the greeting and answers came back as audio: " + out);
        assertEquals(0, figure(out, "frames_received_malformed"), "every outbound frame 160 bytes of μ-law: " + out);
        assertTrue(figure(out, "marks_received") >= 2, out);
        double cores = figure(out, "calls_process_cpu_cores");
        assertTrue(cores > 0 && cores <= Runtime.getRuntime().availableProcessors() + 0.5, out);
        // Both printed to two decimals.
        assertEquals(cores / CALLS * 100, figure(out, "cpu_percent_of_core_per_call"), 0.05, out);
        double rss = figure(out, "calls_process_rss_mb");
        assertTrue(rss > figure(out, "calls_process_idle_rss_mb") / 2 && rss < 4096, out);
        assertEquals(rss * 1000 / CALLS, figure(out, "rss_per_call_kb"), 1, out);
        assertTrue(figure(out, "calls_process_platform_threads") > 0, out);
        assertTrue(figure(out, "client_send_lag_p99_ms") >= 0, out);
        assertTrue(figure(out, "bench_jobs_deleted") >= CALLS * 3, "each call's log, lead and finalization jobs: " + out);
        assertEquals(java.util.List.of(), redis.commands().keys("rq:job:*"), "nothing of the bench left in Redis");
    }

    @Test
    void theCallerNumberTravelsInTheSilentFirstFrame() {
        for (int number : new int[]{0, 1, 499, 123_456}) {
            byte[] frame = MediaLoadClient.markedFrame(number);
            assertEquals(number, BenchSpeechServer.callerOf(com.google.protobuf.ByteString.copyFrom(frame)));
            assertEquals(0, dev.switchboard.adapters.media.twilio.MuLaw.rms(frame), "the marked frame is silence");
        }
        byte[] speech = MediaLoad.speechFrames()[0];
        assertEquals(-1, BenchSpeechServer.callerOf(com.google.protobuf.ByteString.copyFrom(
                java.util.Base64.getDecoder().decode(speech))));
    }

    private static String bench(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Bench.run(args), "bench " + String.join(" ", args));
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static double figure(String output, String name) {
        return output.lines().filter(l -> l.startsWith(name + "=")).findFirst()
                .map(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError("no " + name + " in:\n" + output));
    }
}
