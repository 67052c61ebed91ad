package dev.switchboard.roles.calls;

import dev.switchboard.ports.in.ConnectMediaStreamUseCase;
import dev.switchboard.ports.in.MediaStreamSession;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.MediaStreamOutput;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.TextToSpeech;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Every live call of this process: opens a {@link CallSession} per media stream and forgets it
 * when it ends. The {@link CallSessionReaper} walks this registry.
 */
final class CallSessions implements ConnectMediaStreamUseCase {
    private final Set<CallSession> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong opened = new AtomicLong();
    private final CallsSettings settings;
    private final ChatModel chat;
    private final TextToSpeech tts;
    private final SpeechToText stt;
    private final CallPrompts prompts;
    private final Clock clock;
    private final LongConsumer answerTimings;
    private volatile CallJournal journal;

    /**
     * {@code answerTimings} is told, per answer, the nanoseconds from the caller's final transcript
     * reaching its call to the answer's first audio frame handed to the socket.
     */
    CallSessions(CallsSettings settings, ChatModel chat, TextToSpeech tts, SpeechToText stt, CallPrompts prompts,
                 Clock clock, LongConsumer answerTimings) {
        this.answerTimings = answerTimings;
        this.settings = settings;
        this.prompts = prompts;
        this.chat = chat;
        this.tts = tts;
        this.stt = stt;
        this.clock = clock;
    }

    /** Where the sessions hand their jobs; set once, before the first stream is accepted. */
    void journal(CallJournal journal) {
        this.journal = journal;
    }

    @Override
    public MediaStreamSession connect(MediaStreamOutput output) {
        CallSession session = new CallSession(opened.incrementAndGet(), output, settings, chat, tts, stt, journal, prompts, clock,
                answerTimings, live::remove);
        live.add(session);
        return session;
    }

    /** The sessions not ended yet. */
    List<CallSession> live() {
        return List.copyOf(live);
    }

    int active() {
        return live.size();
    }

    /** The calls being streamed now, for the liveness marks. */
    List<LiveCalls.Call> liveCalls() {
        return live.stream().map(CallSession::liveCall).flatMap(Optional::stream).toList();
    }

    /** Calls so far by where their agent's prompt came from. */
    java.util.Map<CallPrompts.Source, Long> promptSources() {
        return prompts.counts();
    }

    /**
     * Ends every live call (shutdown) and waits, up to {@code wait} in all, until each has handed
     * its last jobs to the journal, including calls whose end another thread (a closing socket)
     * began just before: the journal closes after this, and a job handed to it later is lost.
     */
    void endAll(String reason, java.time.Duration wait) {
        List<CallSession> ending = live();
        ending.forEach(s -> s.ended(reason));
        long deadline = System.nanoTime() + wait.toNanos();
        for (CallSession s : ending) {
            if (!s.awaitEnd(deadline - System.nanoTime())) {
                java.util.logging.Logger.getLogger(CallSessions.class.getName()).warning(
                        "call#" + s.id() + " had not finished ending after " + wait.toMillis() + " ms; not waiting longer");
                return;
            }
        }
    }
}
