package glassbox.model.infer;

import glassbox.model.infer.constraint.TokenSource;

import java.util.List;

/**
 * Everything about one generated token. {@code position} is where the token lands in the
 * sequence; it was predicted by the query at {@code position - 1}, whose attention rows
 * ({@code [layer][head][key position]}) and logit lens are included when the trace asked for them.
 * {@code draw} is the uniform random number (null for greedy); {@code micros} the time to compute it.
 * {@code constraintCut} counts the tokens the constraint stage removed (0 without one) and
 * {@code source} is the passage text a grounded token copies (null when not copied).
 */
public record TokenTrace(int index, int position, int id, String text, int[] bytes, float prob, float logprob,
                         float entropy, float sampledProb, Double draw, int survivors, List<CandidateTrace> candidates,
                         long micros, float[][][] attention, List<LensLayer> logitLens,
                         int constraintCut, TokenSource source) {
}
