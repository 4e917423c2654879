package glassbox.model.infer;

/**
 * One candidate for the next token as the sampler saw it: the raw logit, its probability after
 * penalties and temperature (before the constraint and truncation), whether the constraint
 * allowed it, and which truncation filters it survived.
 */
public record Candidate(int id, float logit, float prob, boolean allowed, boolean keptByTopK, boolean keptByTopP, boolean keptByMinP) {
    public boolean survived() {
        return allowed && keptByTopK && keptByTopP && keptByMinP;
    }
}
