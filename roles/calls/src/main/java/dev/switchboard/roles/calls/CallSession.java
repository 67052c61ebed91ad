package dev.switchboard.roles.calls;

import dev.switchboard.adapters.media.twilio.MuLaw;
import dev.switchboard.domain.CallLogJobs;
import dev.switchboard.domain.CallStreamParameters;
import dev.switchboard.domain.HangupCallJob;
import dev.switchboard.domain.VoiceConversation;
import dev.switchboard.ports.in.MediaStreamSession;
import dev.switchboard.ports.in.MediaStreamStart;
import dev.switchboard.ports.out.CallLogStart;
import dev.switchboard.ports.out.CallTurn;
import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.LiveCalls;
import dev.switchboard.ports.out.MediaStreamOutput;
import dev.switchboard.ports.out.SpeechToText;
import dev.switchboard.ports.out.TextToSpeech;
import dev.switchboard.ports.out.VoicePrompt;
import dev.switchboard.roles.runtime.RoleThreads;

import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One live call. Duties:
 * <ul>
 *   <li>the protocol order: {@code start} first, once, for a business of ours; anything else ends
 *       the call (media before start, a second start, an unknown business);</li>
 *   <li>inbound audio to speech-to-text, from the socket's thread (the one sender of the stream);</li>
 *   <li>the <b>TX loop</b> ({@code sb-call-<n>-tx}): paces outbound audio as 20 ms (160-byte) μ-law
 *       frames, a few frames ahead of real time, and sends each utterance's mark after its audio;</li>
 *   <li>the <b>agent loop</b> ({@code sb-call-<n>-agent}): takes the call's prepared prompt
 *       ({@link CallPrompts}: a bounded wait, on this thread only), greets, then answers each final
 *       transcript through the AI and speech synthesis, sentence by sentence;</li>
 *   <li><b>barge-in</b>: when the caller speaks over playback (loud inbound audio, or a transcript),
 *       drops the queued audio, sends {@code clear} and cancels the rest of the agent's answer;</li>
 *   <li>the call's durable record, as jobs handed to the {@link CallJournal} (never the store,
 *       never a wait for Redis): the call log and the caller's lead at {@code start}, one job per
 *       turn (the caller's final transcripts, what the agent spoke), the finalization at the end
 *       ({@code completed} after {@code stop}, {@code interrupted} after anything else), which
 *       names how many turns came before it; when the call ended for any reason but {@code stop}
 *       (no media, a reaped socket, bad input, the role stopping), a {@code hangup_call_job} too,
 *       so Twilio ends the call rather than only the stream;</li>
 *   <li>ending once ({@link #ended}): closes speech-to-text and the socket, interrupts and joins
 *       both threads, hands over the finalization, leaves the registry.</li>
 * </ul>
 */
final class CallSession implements MediaStreamSession {
    static final int FRAME = 160;
    private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Frames sent ahead of real time, so Twilio's jitter buffer never runs dry. */
    private static final int LEAD_FRAMES = 3;
    /**
     * Audio queued ahead of playback (100 frames, 2 s) before the agent synthesizes its answer's next
     * sentence: a long answer is made as it plays, not all at once. So many calls answering at the
     * same moment do not burn the CPU their TX loops need, a barge-in wastes at most this much
     * synthesis, and 2 s leaves a synthesis service time for its next sentence.
     */
    static final int AHEAD_FRAMES = 100;
    /** Inbound level above which a frame counts as the caller speaking (μ-law decoded RMS). */
    static final double SPEECH_RMS = 2000;
    /** Consecutive loud frames (200 ms) that make a barge-in. */
    static final int BARGE_IN_FRAMES = 10;
    private static final Logger LOG = Logger.getLogger(CallSession.class.getName());
    /** After {@code stop}: how long the caller's last final transcript may take to arrive. */
    static final java.time.Duration LAST_WORDS_WAIT = java.time.Duration.ofMillis(1500);
    /** What the agent loop works on: a caller's final transcript, with when it reached this call. */
    private record Heard(String text, long nanos) { }

    private static final Heard GREET = new Heard("", 0);
    /**
     * Put in the agent's inbox at the caller's first interim transcript: the one more look for the
     * call's own prompt happens while the caller is still talking, not between the final transcript
     * and the answer (where it cost a Redis round trip of the first answer's latency).
     */
    private static final Heard LOOK_FOR_PROMPT = new Heard("", 0);

    enum State { AWAIT_START, STREAMING, ENDED }

    private sealed interface Outbound permits Frame, Mark, Clear { }

    /** A barge-in's {@code clear}: sent by the TX loop, the stream's only writer, ahead of anything queued. */
    private record Clear() implements Outbound { }

    /**
     * {@code heardNanos}: on the first frame of an answer, when the caller's final transcript
     * reached this call (0 on every other frame), so the answer's latency is timed when it goes out.
     */
    private record Frame(byte[] mulaw, int generation, long heardNanos) implements Outbound { }

    private record Mark(String name, int generation) implements Outbound { }

    private final long id;
    private final MediaStreamOutput output;
    private final CallsSettings settings;
    private final ChatModel chat;
    private final TextToSpeech tts;
    private final SpeechToText stt;
    private final Consumer<CallSession> onEnd;
    private final LongConsumer answerTimings;
    private final CallJournal journal;
    private final CallPrompts prompts;
    private final Clock clock;
    /** Guards the turn numbers: after the end's count is taken no turn is handed over. */
    private final Object turnLock = new Object();
    private int turns;
    private boolean turnsClosed;
    private volatile CallLogStart call;
    private volatile String traceId;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAIT_START);
    private final LinkedBlockingDeque<Outbound> outbound = new LinkedBlockingDeque<>();
    private final BlockingQueue<Heard> agentInbox = new LinkedBlockingQueue<>();
    /** Bumped by every barge-in: audio of an older generation is never played. */
    private final AtomicInteger generation = new AtomicInteger();
    /**
     * Marks queued or sent and not yet echoed, by name, with their answer's generation. Matched by
     * name: Twilio echoes the marks a {@code clear} dropped too, and those must not count against a
     * newer answer's marks. An entry of an older generation is ignored, and dropped at the next
     * barge-in.
     */
    private final Map<String, Integer> unechoedMarks = new ConcurrentHashMap<>();
    private volatile long lastMediaNanos = System.nanoTime();
    private volatile String label = "call#";
    private int loudFrames;
    private int utterances;
    private SpeechToText.Stream speech;
    private Thread tx;
    private Thread agent;
    /** Done when {@link #end} has handed over the call's last jobs and left the registry. */
    private final java.util.concurrent.CompletableFuture<Void> finished = new java.util.concurrent.CompletableFuture<>();

    CallSession(long id, MediaStreamOutput output, CallsSettings settings, ChatModel chat, TextToSpeech tts,
                SpeechToText stt, CallJournal journal, CallPrompts prompts, Clock clock, LongConsumer answerTimings,
                Consumer<CallSession> onEnd) {
        this.id = id;
        this.journal = journal;
        this.prompts = prompts;
        this.clock = clock;
        this.output = output;
        this.settings = settings;
        this.chat = chat;
        this.tts = tts;
        this.stt = stt;
        this.onEnd = onEnd;
        this.answerTimings = answerTimings;
        this.label = "call#" + id;
    }

    long id() {
        return id;
    }

    long lastMediaNanos() {
        return lastMediaNanos;
    }

    boolean socketOpen() {
        return output.isOpen();
    }

    State state() {
        return state.get();
    }

    /** The call this session streams, once started and until it ends. */
    Optional<LiveCalls.Call> liveCall() {
        CallLogStart c = call;
        return c == null || state.get() != State.STREAMING ? Optional.empty()
                : Optional.of(new LiveCalls.Call(c.businessId(), c.callSid()));
    }

    @Override
    public void started(MediaStreamStart start) {
        if (state.get() != State.AWAIT_START) {
            ended(state.get() == State.ENDED ? "start after end" : "a second start");
            return;
        }
        String business = start.customParameters().getOrDefault(CallStreamParameters.BUSINESS_ID, "");
        label = "call " + start.callSid() + " business=" + business;
        if (!settings.businesses().contains(business)) {
            ended("start for unknown business '" + business + "'");
            return;
        }
        synchronized (this) {
            if (!state.compareAndSet(State.AWAIT_START, State.STREAMING)) {
                return;
            }
            call = CallLogJobs.start(business, start.callSid(), start.streamSid(), start.customParameters(),
                    clock.instant());
            traceId = traceIdOf(start);
            journal.started(new LiveCalls.Call(business, start.callSid()), CallLogJobs.started(call, traceId));
            lastMediaNanos = System.nanoTime();
            speech = stt.open(settings.language(), new Transcripts());
            String callSid = start.callSid();
            tx = RoleThreads.startVirtual("sb-call-" + id + "-tx", this::transmit);
            agent = RoleThreads.startVirtual("sb-call-" + id + "-agent", () -> converse(business, callSid));
        }
        LOG.info(label + ": stream " + start.streamSid() + " started");
        agentInbox.offer(GREET);
    }

    @Override
    public void media(byte[] mulaw) {
        State s = state.get();
        if (s == State.AWAIT_START) {
            ended("media before start");
            return;
        }
        if (s == State.ENDED) {
            return;
        }
        lastMediaNanos = System.nanoTime();
        speech.send(mulaw);
        if (MuLaw.rms(mulaw) >= SPEECH_RMS) {
            if (++loudFrames == BARGE_IN_FRAMES) {
                bargeIn("caller speaking");
            }
        } else {
            loudFrames = 0;
        }
    }

    @Override
    public void mark(String name) {
        unechoedMarks.remove(name);
    }

    @Override
    public void dtmf(String digit) {
        LOG.fine(label + ": dtmf " + digit);
    }

    /** The voice webhook's trace id when it is a sane one, so the call's jobs join its trace. */
    private static String traceIdOf(MediaStreamStart start) {
        String given = start.customParameters().get(CallStreamParameters.TRACE_ID);
        return given != null && given.matches("[A-Za-z0-9._:-]{1,128}") ? given : UUID.randomUUID().toString();
    }

    /** Hands one turn of the conversation to the journal, numbered in the order turns happen. */
    private void turn(String speaker, String text) {
        CallLogStart c = call;
        if (c == null || text.isBlank()) {
            return;
        }
        synchronized (turnLock) {
            if (turnsClosed) {
                return;
            }
            journal.submit(CallLogJobs.turn(c, new CallTurn(turns++, speaker, text.strip(), clock.instant()), traceId));
        }
    }

    @Override
    public void stopped() {
        end("stop", true);
    }

    @Override
    public void ended(String reason) {
        end(reason, false);
    }

    private void end(String reason, boolean stopped) {
        State before = state.getAndSet(State.ENDED);
        if (before == State.ENDED) {
            return;
        }
        try {
            finish(reason, stopped);
        } finally {
            finished.complete(null);
        }
    }

    /** Waits up to {@code nanos} for this call's end to be over; true when it is. */
    boolean awaitEnd(long nanos) {
        try {
            finished.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void finish(String reason, boolean stopped) {
        Level level = reason.equals("stop") ? Level.INFO : Level.WARNING;
        LOG.log(level, label + ": ended: " + reason);
        Thread txThread;
        Thread agentThread;
        synchronized (this) {
            txThread = tx;
            agentThread = agent;
        }
        if (speech != null) {
            try {
                speech.close();
                if (stopped) {
                    // The caller hung up: what they said last may still be on its way (Google sends
                    // the final result after the half-close). Their turn is recorded if it comes in time.
                    speech.awaitClosed(LAST_WORDS_WAIT);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, label + ": closing speech-to-text", e);
            }
        }
        output.close(reason);
        join(agentThread);
        join(txThread);
        outbound.clear();
        CallLogStart c = call;
        if (c != null) {
            int count;
            synchronized (turnLock) {
                turnsClosed = true;
                count = turns;
            }
            journal.submit(CallLogJobs.ended(c, stopped, clock.instant(), count, reason, traceId));
            if (!stopped) {
                // We ended it, not the caller: make sure Twilio ends the call too (a worker job, never this thread).
                journal.submit(HangupCallJob.request(c.businessId(), traceId, c.callSid(), reason));
            }
        }
        onEnd.accept(this);
    }

    private void join(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        t.interrupt();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether audio of ours is queued here or still playing at Twilio's end. */
    boolean speaking() {
        if (!outbound.isEmpty()) {
            return true;
        }
        int current = generation.get();
        return unechoedMarks.containsValue(current);
    }

    private void bargeIn(String why) {
        if (!speaking() || state.get() != State.STREAMING) {
            return;
        }
        generation.incrementAndGet();
        outbound.clear();
        unechoedMarks.clear();
        outbound.offerFirst(new Clear());
        if (agent != null) {
            agent.interrupt();
        }
        LOG.fine(label + ": barge-in (" + why + ")");
    }

    /** The TX loop: one frame every 20 ms while there is audio, a few frames ahead of real time. */
    private void transmit() {
        long next = 0;
        try {
            while (state.get() == State.STREAMING) {
                Outbound item = outbound.poll(100, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                if (item instanceof Clear) {
                    output.clear();
                    continue;
                }
                if (item instanceof Mark m) {
                    if (m.generation() == generation.get()) {   // a barge-in cleared its audio: no mark after clear
                        output.mark(m.name());
                    }
                    continue;
                }
                Frame f = (Frame) item;
                if (f.generation() != generation.get()) {
                    continue;
                }
                long now = System.nanoTime();
                if (next < now - LEAD_FRAMES * FRAME_NANOS) {
                    next = now - LEAD_FRAMES * FRAME_NANOS;
                }
                long wait = next - now;
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                    if (f.generation() != generation.get()) {
                        continue;   // a barge-in came while this frame waited its turn: never audio after clear
                    }
                }
                output.media(f.mulaw());
                if (f.heardNanos() != 0) {
                    answerTimings.accept(System.nanoTime() - f.heardNanos());
                }
                next += FRAME_NANOS;
            }
        } catch (InterruptedException e) {
            // ended
        }
    }

    /** The agent loop: the call's prompt, the greeting, then one answer per caller turn. */
    private void converse(String business, String callSid) {
        CallPrompts.Choice choice = prompts.atStart(business, callSid, label);
        VoiceConversation conversation = new VoiceConversation(choice.prompt());
        boolean ownPrompt = choice.source() == CallPrompts.Source.CALL;
        while (state.get() == State.STREAMING) {
            Heard item;
            try {
                item = agentInbox.take();
            } catch (InterruptedException e) {
                if (state.get() != State.STREAMING) {
                    return;
                }
                continue;   // a barge-in interrupted the previous answer
            }
            Thread.interrupted();
            if (state.get() != State.STREAMING) {
                return;   // ended while this item was taken: its interrupt is not to be swallowed
            }
            int gen = generation.get();
            try {
                if (item == LOOK_FOR_PROMPT) {
                    if (!ownPrompt) {
                        ownPrompt = true;   // one more look only: its job had the time until the caller spoke
                        Optional<VoicePrompt> own = prompts.callPromptNow(business, callSid, label);
                        own.ifPresent(conversation::usePrompt);
                        if (own.isEmpty() && Thread.currentThread().isInterrupted()) {
                            ownPrompt = false;   // a barge-in cut the look short: look again at the first turn
                        }
                    }
                    continue;
                }
                if (item == GREET) {
                    String greeting = conversation.greeting();
                    turn(CallTurn.AGENT, greeting);
                    speak(greeting, gen, 0);
                    continue;
                }
                if (!ownPrompt) {
                    ownPrompt = true;   // no interim came first (a recognizer that sends none)
                    prompts.callPromptNow(business, callSid, label).ifPresent(conversation::usePrompt);
                }
                Optional<ChatRequest> request = conversation.callerSaid(item.text());
                if (request.isEmpty()) {
                    continue;
                }
                // Each sentence is spoken as soon as the AI has written it; a barge-in drops the rest.
                StringBuilder said = new StringBuilder();
                long[] heard = {item.nanos()};   // stamped on the answer's first frame
                VoiceConversation.Sentences sentences = new VoiceConversation.Sentences();
                Consumer<String> sayIt = sentence -> {
                    if (gen != generation.get() || state.get() != State.STREAMING) {
                        throw new Superseded();
                    }
                    try {
                        awaitPlayback(gen);
                        if (speak(sentence, gen, heard[0])) {
                            heard[0] = 0;
                        }
                    } catch (dev.switchboard.ports.out.TextToSpeechException e) {
                        if (gen != generation.get() || state.get() != State.STREAMING) {
                            throw new Superseded();
                        }
                        // One sentence the synthesizer could not make: the rest of the answer still plays.
                        LOG.log(Level.WARNING, label + ": a sentence could not be synthesized; skipped: " + e.getMessage());
                        return;
                    }
                    said.append(sentence).append(' ');
                };
                boolean completed = false;
                try {
                    chat.stream(request.get(), delta -> sentences.add(delta).forEach(sayIt));
                    sentences.flush().ifPresent(sayIt);
                    completed = true;
                } catch (Superseded e) {
                    LOG.fine(label + ": answer cut short by the caller");
                } catch (RuntimeException e) {
                    // A barge-in interrupts this thread: an AI stream or a synthesis being read then
                    // fails with an I/O error, which is the caller talking, not a fault.
                    if (gen != generation.get() || state.get() != State.STREAMING) {
                        LOG.fine(label + ": answer cut short by the caller (" + e.getClass().getSimpleName() + ")");
                    } else {
                        LOG.log(Level.WARNING, label + ": agent answer failed part way: " + e.getMessage(), e);
                    }
                } finally {
                    // What was spoken is the agent's turn however the answer ended: the AI's next
                    // context and the call log must hold what the caller heard.
                    if (completed || !said.isEmpty()) {
                        conversation.agentSaid(said.toString());
                        turn(CallTurn.AGENT, said.toString());
                    }
                }
            } catch (RuntimeException e) {
                if (state.get() == State.STREAMING) {
                    LOG.log(Level.WARNING, label + ": agent turn failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Waits while more than {@link #AHEAD_FRAMES} of audio wait to be played. The TX loop plays a
     * frame every 20 ms, so the wait is computed, not polled: one sleep per sentence at most.
     */
    private void awaitPlayback(int gen) {
        int queued;
        while ((queued = outbound.size()) > AHEAD_FRAMES) {
            try {
                TimeUnit.NANOSECONDS.sleep((queued - AHEAD_FRAMES) * FRAME_NANOS);
            } catch (InterruptedException e) {
                throw new Superseded();   // a barge-in, or the call ended: nothing more to say
            }
            if (gen != generation.get() || state.get() != State.STREAMING) {
                throw new Superseded();
            }
        }
    }

    /** Stops an answer the caller talked over. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super(null, null, false, false);
        }
    }

    /**
     * Synthesizes one sentence into 160-byte frames on the TX queue, then a mark after it. The
     * first frame carries {@code heardNanos} (see {@link Frame}); true when a frame took it.
     */
    private boolean speak(String sentence, int gen, long heardNanos) {
        byte[] frame = new byte[FRAME];
        int[] fill = {0};
        long[] stamp = {heardNanos};
        tts.synthesize(sentence, chunk -> {
            for (byte b : chunk) {
                frame[fill[0]++] = b;
                if (fill[0] == FRAME) {
                    enqueue(frame.clone(), gen, stamp);
                    fill[0] = 0;
                }
            }
        });
        if (fill[0] > 0) {
            Arrays.fill(frame, fill[0], FRAME, MuLaw.SILENCE);
            enqueue(frame.clone(), gen, stamp);
        }
        if (gen == generation.get()) {
            String name = "utt-" + (++utterances);
            unechoedMarks.put(name, gen);
            outbound.offer(new Mark(name, gen));
        }
        return heardNanos != 0 && stamp[0] == 0;
    }

    private void enqueue(byte[] frame, int gen, long[] stamp) {
        if (gen == generation.get() && state.get() == State.STREAMING) {
            outbound.offer(new Frame(frame, gen, stamp[0]));
            if (stamp[0] != 0) {
                stamp[0] = 0;
                // The answer's first frame is queued: let the TX loop send it now rather than after
                // this thread has made the rest of the sentence (measured: 10-25 ms sooner at 20 calls).
                Thread.yield();
            }
        }
    }

    /** Speech-to-text results arrive on the recognizer's threads: handed to the agent loop. */
    private final class Transcripts implements SpeechToText.Listener {
        /** A second look would be harmless (the agent loop looks once), so no stronger guard. */
        private volatile boolean lookedForPrompt;

        @Override
        public void interim(String transcript, float stability) {
            if (transcript.isBlank()) {
                return;
            }
            if (stability == 0 || stability >= 0.8f) {
                bargeIn("interim transcript");
            }
            if (!lookedForPrompt) {
                lookedForPrompt = true;
                agentInbox.offer(LOOK_FOR_PROMPT);
            }
        }

        @Override
        public void finalResult(String transcript) {
            if (!transcript.isBlank()) {
                bargeIn("final transcript");
                long heard = System.nanoTime();
                turn(CallTurn.CALLER, transcript);
                agentInbox.offer(new Heard(transcript.strip(), heard));
            }
        }

        @Override
        public void failed(Throwable cause) {
            LOG.log(Level.WARNING, label + ": speech-to-text stopped; the call goes on without transcription", cause);
        }
    }
}
