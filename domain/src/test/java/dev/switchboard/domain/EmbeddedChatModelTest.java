package dev.switchboard.domain;

import dev.switchboard.ports.out.ChatRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded agent answers from the business's prompt, deterministically. */
class EmbeddedChatModelTest {
    private final EmbeddedChatModel model = new EmbeddedChatModel();

    private static ChatRequest request(Optional<String> prompt, Optional<String> lead, String... userMessages) {
        List<ChatRequest.Turn> turns = java.util.Arrays.stream(userMessages)
                .map(m -> new ChatRequest.Turn(ChatRequest.Role.USER, m)).toList();
        return new ChatRequest("system", turns, new ChatRequest.Context("Acme Solar", prompt, lead, "whatsapp"));
    }

    @Test
    void greetsByFirstNameIntroducesTheBusinessAcknowledgesAndOffersACallback() {
        String answer = model.complete(request(
                Optional.of("We install solar panels in São Paulo. Prices on request."),
                Optional.of("Ana Souza"), "Hello", "How much does a 5 kW system cost?"));
        assertTrue(answer.startsWith("Hi Ana! This is Acme Solar."), answer);
        assertTrue(answer.contains("\"How much does a 5 kW system cost?\""), answer);
        assertTrue(answer.contains("We install solar panels in São Paulo."), answer);
        assertFalse(answer.contains("Prices on request"), "only the prompt's first sentence: " + answer);
        assertTrue(answer.contains("answer your question"), answer);
        assertTrue(answer.endsWith("Would you like us to call you back?"), answer);
    }

    @Test
    void isDeterministicAndWorksWithoutPromptOrName() {
        ChatRequest request = request(Optional.empty(), Optional.empty(), "oi");
        assertEquals(model.complete(request), model.complete(request));
        assertEquals("Hi! This is Acme Solar. Thanks for your message: \"oi\". Would you like us to call you back?",
                model.complete(request));
    }

    @Test
    void quotesLongMessagesShortened() {
        String answer = model.complete(request(Optional.empty(), Optional.empty(), "x".repeat(1000)));
        assertTrue(answer.contains("x".repeat(EmbeddedChatModel.QUOTE - 1) + "…"), answer);
        assertFalse(answer.contains("x".repeat(EmbeddedChatModel.QUOTE + 1)));
    }

    @Test
    void summarizesASessionPlainly() {
        ChatRequest request = new ChatRequest("summarize", List.of(
                new ChatRequest.Turn(ChatRequest.Role.USER, "Oi"),
                new ChatRequest.Turn(ChatRequest.Role.ASSISTANT, "Olá!"),
                new ChatRequest.Turn(ChatRequest.Role.USER, "Quero um orçamento")),
                new ChatRequest.Context("Acme", Optional.empty(), Optional.of("Ana"), AgentPrompts.SUMMARY));
        assertEquals("Ana sent 2 messages and got 1 answer. Last message: \"Quero um orçamento\".",
                model.complete(request));
    }
}
