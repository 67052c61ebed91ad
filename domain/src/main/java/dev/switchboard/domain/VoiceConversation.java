package dev.switchboard.domain;

import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.VoicePrompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The voice agent's side of one phone call, as pure logic: what it says first, what it asks the AI
 * when the caller finishes a turn, and how an answer is cut into sentences so the first one can be
 * spoken while the rest is still being written. Holds the call's turns; not thread-safe (one call,
 * one agent loop).
 */
public final class VoiceConversation {
    /** Turns sent to the AI: the last ones, enough for a phone conversation's context. */
    static final int MAX_TURNS = 20;

    private VoicePrompt prompt;
    private final List<ChatRequest.Turn> turns = new ArrayList<>();

    /**
     * A call whose agent is told {@code prompt}: the one prepared for the call or its business
     * ({@code prebuild_prompt_job}, {@code warmup_agents_job}), or {@link AgentPrompts#fallbackForCall}.
     */
    public VoiceConversation(VoicePrompt prompt) {
        this.prompt = Objects.requireNonNull(prompt, "prompt");
    }

    /** The prompt the next requests carry. */
    public VoicePrompt prompt() {
        return prompt;
    }

    /**
     * From now on the agent is told {@code better} (a prompt prepared for this call that arrived
     * after the call started). Only a prompt of the same business is taken.
     *
     * @return whether it was taken
     */
    public boolean usePrompt(VoicePrompt better) {
        if (!better.businessId().equals(prompt.businessId())) {
            return false;
        }
        prompt = better;
        return true;
    }

    /** What the agent says when the call connects, before the caller speaks. */
    public String greeting() {
        String text = "Hello! This is " + prompt.businessName() + ". How can I help you?";
        turns.add(new ChatRequest.Turn(ChatRequest.Role.ASSISTANT, text));
        return text;
    }

    /**
     * The caller finished a turn: the request for the agent's answer, or empty when there is
     * nothing to answer (a blank transcript).
     */
    public Optional<ChatRequest> callerSaid(String transcript) {
        String text = transcript.strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        turns.add(new ChatRequest.Turn(ChatRequest.Role.USER, text));
        return Optional.of(new ChatRequest(prompt.systemPrompt(),
                turns.subList(Math.max(0, turns.size() - MAX_TURNS), turns.size()),
                new ChatRequest.Context(prompt.businessName(), prompt.agentPrompt(), prompt.leadName(), "call")));
    }

    /** What the agent actually said (up to a barge-in), so the next request sees it. */
    public void agentSaid(String text) {
        if (!text.isBlank()) {
            turns.add(new ChatRequest.Turn(ChatRequest.Role.ASSISTANT, text.strip()));
        }
    }

    public List<ChatRequest.Turn> turns() {
        return List.copyOf(turns);
    }

    /**
     * Cuts streamed text into sentences as it arrives: {@link #add} returns the sentences the new
     * text completes, {@link #flush} what remains at the end. A sentence ends at {@code .}, {@code !},
     * {@code ?} or a newline followed by whitespace, so "3.5" and "e.g." inside a word stay whole.
     */
    public static final class Sentences {
        private final StringBuilder pending = new StringBuilder();

        public List<String> add(String delta) {
            pending.append(delta);
            List<String> done = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < pending.length() - 1; i++) {
                char c = pending.charAt(i);
                boolean end = c == '.' || c == '!' || c == '?' || c == '\n';
                if (end && Character.isWhitespace(pending.charAt(i + 1))) {
                    String s = pending.substring(start, i + 1).strip();
                    if (!s.isEmpty()) {
                        done.add(s);
                    }
                    start = i + 1;
                }
            }
            pending.delete(0, start);
            return done;
        }

        public Optional<String> flush() {
            String s = pending.toString().strip();
            pending.setLength(0);
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        }

        /** Every sentence of a whole text. */
        public static List<String> of(String text) {
            Sentences s = new Sentences();
            List<String> all = new ArrayList<>(s.add(text));
            s.flush().ifPresent(all::add);
            return all;
        }
    }
}
