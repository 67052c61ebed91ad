package dev.switchboard.domain;

import dev.switchboard.ports.out.ChatModel;
import dev.switchboard.ports.out.ChatRequest;

import java.util.Locale;
import java.util.Optional;

/**
 * The AI used when no {@code AI_BASE_URL} is configured, so the whole system runs without keys:
 * a deterministic agent that answers from the business's prompt. It greets the lead by name,
 * introduces the business, acknowledges what the lead wrote, says what the business's prompt says
 * about itself (its first sentence), and offers a callback. It never fails and never waits.
 *
 * <p>It is honest about what it is: a placeholder for development and for businesses that have
 * not connected an AI yet, not a model.
 */
public final class EmbeddedChatModel implements ChatModel {

    /** How much of the lead's message is quoted back. */
    static final int QUOTE = 120;

    @Override
    public String complete(ChatRequest request) {
        ChatRequest.Context context = request.context();
        if (context.channel().equals(AgentPrompts.SUMMARY)) {
            return summary(request);
        }
        String greeting = context.leadName().map(n -> "Hi " + firstName(n) + "!").orElse("Hi!");
        StringBuilder answer = new StringBuilder(greeting)
                .append(" This is ").append(context.businessName()).append('.');
        Optional<String> question = request.lastUserMessage().map(String::strip).filter(q -> !q.isEmpty());
        question.ifPresent(q -> answer.append(" Thanks for your message: \"").append(quote(q)).append("\"."));
        context.agentPrompt().flatMap(EmbeddedChatModel::firstSentence)
                .ifPresent(s -> answer.append(' ').append(s));
        if (question.map(EmbeddedChatModel::isQuestion).orElse(false)) {
            answer.append(" Someone from our team will answer your question shortly.");
        }
        answer.append(" Would you like us to call you back?");
        return answer.toString();
    }

    /** A plain summary: how many messages, with whom, and what the customer last wrote. */
    private static String summary(ChatRequest request) {
        long fromCustomer = request.turns().stream().filter(t -> t.role() == ChatRequest.Role.USER).count();
        long fromUs = request.turns().size() - fromCustomer;
        String who = request.context().leadName().map(String::strip).orElse("The customer");
        StringBuilder text = new StringBuilder(who).append(" sent ").append(fromCustomer)
                .append(fromCustomer == 1 ? " message" : " messages").append(" and got ").append(fromUs)
                .append(fromUs == 1 ? " answer." : " answers.");
        request.lastUserMessage().map(String::strip).filter(q -> !q.isEmpty())
                .ifPresent(q -> text.append(" Last message: \"").append(quote(q)).append("\"."));
        return text.toString();
    }

    private static String firstName(String name) {
        String trimmed = name.strip();
        int space = trimmed.indexOf(' ');
        return space > 0 ? trimmed.substring(0, space) : trimmed;
    }

    private static String quote(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= QUOTE ? oneLine : AgentPrompts.clip(oneLine, QUOTE - 1).strip() + "…";
    }

    static Optional<String> firstSentence(String prompt) {
        String text = prompt.strip().replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        int end = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                end = i + 1;
                break;
            }
        }
        String sentence = end > 0 ? text.substring(0, end) : text + ".";
        return Optional.of(sentence.length() > 300 ? AgentPrompts.clip(sentence, 299) + "…" : sentence);
    }

    private static boolean isQuestion(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return text.contains("?") || lower.startsWith("how") || lower.startsWith("what") || lower.startsWith("when")
                || lower.startsWith("quanto") || lower.startsWith("qual") || lower.startsWith("como");
    }
}
