package glassbox.model.infer;

/**
 * One next-token candidate as the sampler saw it: raw logit, probability after penalties and
 * temperature, and whether it survived top-k, top-p and min-p.
 */
public record CandidateTrace(int id, String text, float logit, float prob, boolean topK, boolean topP, boolean minP) {
    public boolean survived() {
        return topK && topP && minP;
    }
}
