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

    /**
     * The same answer, handed to {@code text} in pieces as it is generated (any size, in order), so
     * a caller can act on its first sentence while the rest is being written (a phone call speaks
     * it). Returns when the answer is complete. By default, the whole answer in one piece.
     *
     * @throws ChatModelException as {@link #complete}; also after some pieces were delivered
     *                            (an error inside the stream), which must then never be retried
     */
    default void stream(ChatRequest request, java.util.function.Consumer<String> text) {
        text.accept(complete(request));
    }
}
