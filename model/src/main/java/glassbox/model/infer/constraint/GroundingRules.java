package glassbox.model.infer.constraint;

/**
 * How a grounded answer may be put together from passage sentences.
 *
 * @param minSentences sentences copied before the answer may end (fewer when nothing is left to copy)
 * @param maxSentences sentences one answer may copy
 * @param excerpt      true: after a sentence only the one that follows it in its passage may come
 *                     (the answer reads as the lesson wrote it); false: any unused sentence
 */
public record GroundingRules(int minSentences, int maxSentences, boolean excerpt) {
    /** Any one to three passage sentences, in any order: what the tutor's training answers are made of. */
    public static final GroundingRules ANY_SENTENCES = new GroundingRules(1, 3, false);

    public GroundingRules {
        if (minSentences < 1 || maxSentences < minSentences) {
            throw new IllegalArgumentException("need 1 <= minSentences <= maxSentences, got " + minSentences + ", " + maxSentences);
        }
    }
}
