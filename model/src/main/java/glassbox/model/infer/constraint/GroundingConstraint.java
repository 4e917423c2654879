package glassbox.model.infer.constraint;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Grounded decoding for one answer. At a boundary (the answer's start, or just after a copied
 * sentence or marker) the next token may start an unused passage sentence (at most
 * {@code maxSentences}; under {@link GroundingRules#excerpt()} only the one after the last
 * sentence copied), write the last sentence's citation marker, or, once {@code minSentences}
 * have been copied (or nothing is left to copy) and cited, end the answer. Inside a sentence or marker the only allowed tokens are the
 * ones that continue it exactly. Spans start at sentence starts only, not at clause starts:
 * an answer opened mid-sentence ("which means that …") reads as a fragment. With a token budget,
 * a sentence starts only if it fits with its marker and the end token (the first one too, unless
 * no opening fits); when none does, the answer may end early (see {@link GroundingIndex#start(int)}).
 */
final class GroundingConstraint implements Constraint {
    private final GroundingIndex index;
    /** The trie paths that match the current span so far (empty: at a boundary). */
    private List<GroundingIndex.Path> live = List.of();
    private int depth;
    private final BitSet usedSentences = new BitSet();
    private GroundingIndex.Path lastSentence;
    private int sentences;
    private int uncitedPassage = -1;
    private final int budget;
    private int written;

    GroundingConstraint(GroundingIndex index, int tokenBudget) {
        this.index = index;
        this.budget = tokenBudget;
    }

    @Override
    public BitSet allowed() {
        BitSet out = new BitSet();
        if (!live.isEmpty()) {
            for (GroundingIndex.Path p : live) {
                out.set(p.tokens()[depth]);
            }
            return out;
        }
        List<GroundingIndex.Path> next = startable();
        for (GroundingIndex.Path p : next) {
            out.set(p.tokens()[0]);
        }
        if (sentences > 0 && uncitedPassage < 0 && (sentences >= index.rules.minSentences() || next.isEmpty())) {
            out.or(index.ends);
        }
        return out;
    }

    @Override
    public TokenSource accept(int token) {
        written++;
        List<GroundingIndex.Path> from = live.isEmpty() ? startable() : live;
        List<GroundingIndex.Path> matching = new ArrayList<>();
        for (GroundingIndex.Path p : from) {
            if (p.tokens()[depth] == token) {
                matching.add(p);
            }
        }
        if (matching.isEmpty()) {
            live = List.of();   // an end token (or one the constraint did not offer): nothing copied
            depth = 0;
            return null;
        }
        GroundingIndex.Path first = matching.getFirst();
        TokenSource source = first.isMarker() ? null : new TokenSource(first.passage(), first.charStart()[depth], first.charEnd()[depth]);
        depth++;
        live = matching;
        for (GroundingIndex.Path p : matching) {
            if (p.tokens().length == depth) {
                finish(p);
                break;
            }
        }
        return source;
    }

    /** A sentence or marker was written to its end: back at a boundary. */
    private void finish(GroundingIndex.Path p) {
        if (p.isMarker()) {
            uncitedPassage = -1;
        } else {
            usedSentences.set(p.sentence());
            lastSentence = p;
            sentences++;
            uncitedPassage = p.passage();
        }
        live = List.of();
        depth = 0;
    }

    /** The sentence right after the last one copied, in the same passage. */
    private boolean follows(GroundingIndex.Path p) {
        return p.passage() == lastSentence.passage() && p.sentence() == lastSentence.sentence() + 1;
    }

    /** Room left for this sentence, its citation marker and the end token. */
    private boolean fits(GroundingIndex.Path p) {
        long needed = (long) written + p.tokens().length + index.markers.get(p.passage()).tokens().length + 1;
        return needed <= budget;
    }

    /** What may begin at a boundary: unused sentences (while under the limit) and the pending marker. */
    private List<GroundingIndex.Path> startable() {
        List<GroundingIndex.Path> out = new ArrayList<>();
        if (sentences == 0) {
            // the openings that fit the budget with their marker; all of them if none does (an answer needs a first sentence)
            List<GroundingIndex.Path> fitting = index.openings.stream().filter(this::fits).toList();
            out.addAll(fitting.isEmpty() ? index.openings : fitting);
        } else if (sentences < index.rules.maxSentences()) {
            for (GroundingIndex.Path p : index.continuations) {
                if (!usedSentences.get(p.sentence()) && (!index.rules.excerpt() || follows(p)) && fits(p)) {
                    out.add(p);
                }
            }
        }
        if (uncitedPassage >= 0) {
            out.add(index.markers.get(uncitedPassage));
        }
        return out;
    }
}
