package glassbox.model.infer;

/**
 * One next-token candidate as the sampler saw it: raw logit, probability after penalties and
 * temperature (before the constraint), whether the constraint allowed it ({@code false}: cut,
 * e.g. by grounding), and whether it survived top-k, top-p and min-p.
 */
public record CandidateTrace(int id, String text, float logit, float prob, boolean allowed, boolean topK, boolean topP, boolean minP) {
    public boolean survived() {
        return allowed && topK && topP && minP;
    }
}
