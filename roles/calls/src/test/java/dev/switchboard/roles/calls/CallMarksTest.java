package dev.switchboard.roles.calls;

import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisPromptCache;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twilio echoes a mark when the audio before it has played, and also echoes the marks a
 * {@code clear} dropped. Whether the agent is still speaking (and so whether the caller's speech is
 * a barge-in) depends on the marks not yet echoed: an echo of a mark the caller talked over must
 * not count against the next answer's mark.
 */
class CallMarksTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private RedisConnections connections;
    private ScriptedCall call;
    private CallSession session;

    /** A call whose greeting has been sent to its end: its mark (utt-1) is out, not yet echoed. */
    @BeforeEach
    void greeted() throws Exception {
        connections = RedisConnections.connect(redis.url());
        call = new ScriptedCall(connections, new RedisPromptCache(connections), request -> "Yes, we do.");
        session = call.start("CA-marks");
        ScriptedCall.await("the greeting's mark", () -> call.output.marks.contains("utt-1"));
    }

    @AfterEach
    void hangUp() {
        call.close();
        connections.close();
    }

    @Test
    void theEchoOfAClearedMarkDoesNotEndTheNextAnswer() throws Exception {
        assertTrue(session.speaking(), "the greeting's mark is not echoed yet: it may still be playing");

        // The caller talks over the greeting's end: a barge-in (clear), then their question.
        call.heard().interim("Do you", 0.9f);
        ScriptedCall.await("the clear", () -> call.output.clears.get() == 1);
        call.heard().finalResult("Do you install on tiled roofs?");
        ScriptedCall.await("the answer's mark", () -> call.output.marks.contains("utt-2"));

        session.mark("utt-1");   // Twilio's echo of the mark the clear dropped
        assertTrue(session.speaking(), "the answer's own mark (utt-2) is not echoed yet");
        int clears = call.output.clears.get();
        call.heard().interim("Sorry", 0.9f);
        ScriptedCall.await("a barge-in on the answer", () -> call.output.clears.get() == clears + 1);
        assertEquals(2, call.output.marks.size(), "a mark per answer, none after a clear: " + call.output.marks);
    }

    @Test
    void anAnswerWhoseMarksAreAllEchoedIsOver() {
        session.mark("utt-3");   // not a mark of this call: changes nothing
        assertTrue(session.speaking());
        session.mark("utt-1");
        assertFalse(session.speaking(), "the greeting played to its end");
    }
}
