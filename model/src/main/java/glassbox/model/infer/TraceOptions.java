package glassbox.model.infer;

/**
 * What a generation records. {@code tokens} switches per-token traces on (candidates, filters,
 * draw, timing); {@code attention} adds every layer's and head's attention row for each
 * generated token and the prompt's attention matrices; {@code logitLens} adds each layer's top
 * guesses. Attention and the lens need a fresh KV cache (they recompute from captured layers).
 */
public record TraceOptions(boolean tokens, boolean attention, boolean logitLens, int topCandidates) {
    public static final TraceOptions OFF = new TraceOptions(false, false, false, 0);
    public static final int DEFAULT_CANDIDATES = 10;
    /** Prompt attention matrices are kept for prompts up to this many tokens (they grow with n²). */
    public static final int MAX_PROMPT_ATTENTION_TOKENS = 256;
    public static final int LENS_TOP = 5;

    public static TraceOptions basic() {
        return new TraceOptions(true, false, false, DEFAULT_CANDIDATES);
    }

    public static TraceOptions full() {
        return new TraceOptions(true, true, true, DEFAULT_CANDIDATES);
    }

    public TraceOptions {
        if (topCandidates < 0 || topCandidates > 100) {
            throw new IllegalArgumentException("top candidates must be between 0 and 100");
        }
        if ((attention || logitLens) && !tokens) {
            tokens = true;
        }
    }

    boolean needsCapture() {
        return attention || logitLens;
    }
}
