package dev.switchboard.domain;

import dev.switchboard.ports.out.Business;
import dev.switchboard.ports.out.ChatMessage;
import dev.switchboard.ports.out.ChatRequest;
import dev.switchboard.ports.out.Lead;

import java.util.ArrayList;
import java.util.List;

/**
 * What the AI agent is told: the system prompt built from the business's own agent prompt, and
 * the conversation so far as chat turns.
 */
public final class AgentPrompts {

    private AgentPrompts() {
    }

    /** The request for the next WhatsApp answer to {@code lead}, given its latest messages. */
    public static ChatRequest forWhatsApp(Business business, Lead lead, List<ChatMessage> conversation) {
        StringBuilder system = new StringBuilder()
                .append("You are the WhatsApp assistant of ").append(business.name()).append(". ")
                .append("Answer the customer briefly and politely, in the language they write in. ")
                .append("Never invent prices, dates or promises; when unsure, offer that someone from the team calls back.");
        business.agentPrompt().ifPresent(p -> system.append("\n\nAbout the business and how to answer:\n").append(p));
        lead.name().ifPresent(n -> system.append("\n\nThe customer's WhatsApp name is ").append(n).append('.'));
        return new ChatRequest(system.toString(), turns(conversation),
                new ChatRequest.Context(business.name(), business.agentPrompt(), lead.name(), "whatsapp"));
    }

    /** The request for a summary of one session's conversation, for the business's team. */
    public static ChatRequest summaryOf(Business business, java.util.Optional<String> leadName,
                                        List<ChatMessage> conversation) {
        String system = "Summarize this WhatsApp conversation between " + business.name() + " and a customer in at most"
                + " three sentences, for the sales team: what the customer wants, what was answered or promised, and"
                + " the next step. Write in the customer's language.";
        return new ChatRequest(system, turns(conversation),
                new ChatRequest.Context(business.name(), business.agentPrompt(), leadName, SUMMARY));
    }

    /** The {@link ChatRequest.Context#channel()} of summary requests. */
    public static final String SUMMARY = "summary";

    private static List<ChatRequest.Turn> turns(List<ChatMessage> conversation) {
        List<ChatRequest.Turn> turns = new ArrayList<>(conversation.size());
        for (ChatMessage m : conversation) {
            m.text().filter(t -> !t.isBlank()).ifPresent(t -> turns.add(new ChatRequest.Turn(
                    m.direction() == ChatMessage.Direction.INBOUND ? ChatRequest.Role.USER : ChatRequest.Role.ASSISTANT, t)));
        }
        return turns;
    }

    /** {@code text} cut to at most {@code max} chars, never between the halves of a surrogate pair. */
    static String clip(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
