package glassbox.model.infer;

import java.util.List;

/**
 * The outcome of a generation. {@code cachedTokens} prompt tokens came from the session's KV
 * cache (only the rest were prefilled). {@code tokens} always has one trace per generated token
 * (attention and lens only when asked); {@code promptAttention} is {@code [layer][head][query][key]}
 * (rows ragged: query i has i+1 keys), or null.
 */
public record GenerationResult(int[] prompt, int[] completion, String text, FinishReason finishReason,
                               int cachedTokens, List<TokenTrace> tokens, float[][][][] promptAttention,
                               double prefillMillis, double decodeMillis) {

    public int promptTokens() {
        return prompt.length;
    }

    public int completionTokens() {
        return completion.length;
    }
}
