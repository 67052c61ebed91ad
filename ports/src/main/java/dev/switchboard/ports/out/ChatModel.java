package dev.switchboard.ports.out;

/**
 * The AI that writes the business's answers: an OpenAI-compatible chat-completions endpoint, or
 * the embedded agent when none is configured.
 */
public interface ChatModel {

    /**
     * The assistant's next message for this conversation.
     *
     * @throws ChatModelException when no answer could be had; {@link ChatModelException#retryable()}
     *                            says whether trying again later may help
     */
    String complete(ChatRequest request);
}
