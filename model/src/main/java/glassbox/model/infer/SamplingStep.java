package glassbox.model.infer;

import java.util.List;

/**
 * The outcome of choosing one token: the chosen id, its probability and log-probability under
 * the full (untruncated) distribution after penalties and temperature, that distribution's
 * entropy, the top candidates, the uniform random draw and the final truncated probability.
 */
public record SamplingStep(int tokenId, float prob, float logprob, float entropy, float sampledProb,
                           double draw, int survivors, List<Candidate> candidates) {
}
