package glassbox.server.openai;

import java.util.List;

import glassbox.model.infer.constraint.GroundingIndex;

import glassbox.server.tutor.Citation;

/**
 * A request turned into what the engine needs: prompt token ids, the answer's token limit, the
 * KV session to continue (or null), the tutor's citations, and a fixed answer when the tutor
 * found nothing to answer from (then the model is not run), and what a grounded answer may copy
 * (null: free generation).
 */
record PreparedPrompt(int[] ids, int maxTokens, String sessionId, List<Citation> citations, String fallback,
                      GroundingIndex grounding) {
}
