package glassbox.model.infer;

import java.util.List;

/**
 * The outcome of choosing one token: the chosen id, its probability and log-probability under
 * the model's full distribution (after penalties and temperature, before the constraint and
 * truncation), that distribution's entropy, how many tokens the constraint cut, the top candidates, the uniform random draw and the final truncated probability.
 */
public record SamplingStep(int tokenId, float prob, float logprob, float entropy, float sampledProb,
                           double draw, int survivors, int constraintCut, List<Candidate> candidates) {
}
