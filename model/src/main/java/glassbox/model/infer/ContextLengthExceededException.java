package glassbox.model.infer;

/** Prompt plus requested tokens do not fit the model's context; refused before any work. */
public final class ContextLengthExceededException extends RuntimeException {
    private final int promptTokens;
    private final int maxTokens;
    private final int contextLength;

    public ContextLengthExceededException(int promptTokens, int maxTokens, int contextLength) {
        super("This model's maximum context length is " + contextLength + " tokens. However, you requested "
                + ((long) promptTokens + maxTokens) + " tokens (" + promptTokens + " in the prompt, " + maxTokens
                + " for the completion). Please reduce the prompt or the maximum number of tokens.");
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.contextLength = contextLength;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
