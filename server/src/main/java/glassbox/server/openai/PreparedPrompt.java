package glassbox.server.openai;

import java.util.List;
import java.util.function.Supplier;

import glassbox.model.infer.constraint.Constraint;

import glassbox.model.infer.constraint.GroundingIndex;

import glassbox.server.tutor.Citation;

/**
 * A request turned into what the engine needs: prompt token ids, the answer's token limit, the
 * KV session to continue (or null), the tutor's citations, and a fixed answer when the tutor
 * found nothing to answer from (then the model is not run), what a grounded answer may copy
 * (null: not grounded), the constraint decoding follows (grounding, JSON or a tool call; null:
 * free generation) and whether the answer may hold a tool call.
 */
record PreparedPrompt(int[] ids, int maxTokens, String sessionId, List<Citation> citations, String fallback,
                      GroundingIndex grounding, Supplier<Constraint> constraint, boolean toolCalls) {
    PreparedPrompt {
        if (constraint == null && grounding != null) {
            // the answer's token limit, so a grounded answer ends after a whole sentence instead of being cut
            constraint = () -> grounding.start(maxTokens);
        }
    }
}
