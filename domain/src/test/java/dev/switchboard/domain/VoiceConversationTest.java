package dev.switchboard.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.ports.out.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoiceConversationTest {

    @Test
    void streamedTextBecomesSentencesAsSoonAsEachEnds() {
        VoiceConversation.Sentences s = new VoiceConversation.Sentences();
        List<String> out = new ArrayList<>();
        for (String delta : List.of("We open at 9", ". The price is 3.5 ", "reais! Anyth", "ing else?")) {
            out.addAll(s.add(delta));
        }
        assertEquals(List.of("We open at 9.", "The price is 3.5 reais!"), out);
        assertEquals(Optional.of("Anything else?"), s.flush());
        assertEquals(Optional.empty(), s.flush());
    }

    @Test
    void callerTurnsBecomeRequestsThatCarryTheGreetingAndWhatTheAgentSaid() {
        VoiceConversation call = new VoiceConversation(AgentPrompts.forCall(new dev.switchboard.ports.out.Business("acme", "Acme",
                java.time.ZoneId.of("UTC"), Optional.of("We sell phones."), java.util.Map.of()), Optional.empty(), List.of()));
        String greeting = call.greeting();
        assertTrue(greeting.contains("Acme"));
        assertEquals(Optional.empty(), call.callerSaid("   "));
        ChatRequest first = call.callerSaid(" What are your hours? ").orElseThrow();
        assertEquals("call", first.context().channel());
        assertEquals(Optional.of("What are your hours?"), first.lastUserMessage());
        assertTrue(first.systemPrompt().contains("phone agent of Acme") && first.systemPrompt().contains("We sell phones."));
        call.agentSaid("We open at nine.");
        ChatRequest second = call.callerSaid("Thanks").orElseThrow();
        assertEquals(List.of(ChatRequest.Role.ASSISTANT, ChatRequest.Role.USER, ChatRequest.Role.ASSISTANT, ChatRequest.Role.USER),
                second.turns().stream().map(ChatRequest.Turn::role).toList());
    }
}
