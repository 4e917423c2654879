package glassbox.server.openai;

import java.util.List;

import glassbox.server.tutor.Citation;

/**
 * A request turned into what the engine needs: prompt token ids, the answer's token limit, the
 * KV session to continue (or null), the tutor's citations, and a fixed answer when the tutor
 * found nothing to answer from (then the model is not run).
 */
record PreparedPrompt(int[] ids, int maxTokens, String sessionId, List<Citation> citations, String fallback) {
}
