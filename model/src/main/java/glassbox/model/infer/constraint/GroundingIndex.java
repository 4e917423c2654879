package glassbox.model.infer.constraint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import glassbox.model.text.Sentences;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

/**
 * What a grounded answer may say, built once per request from the retrieved passages: every
 * quotable sentence (see {@link Sentences}) as token ids, spelt twice (opening the answer, and
 * after a space, following an earlier sentence), and each passage's citation marker
 * {@code " [n]"}. The token sequences form a trie over token ids: a {@link GroundingConstraint}
 * keeps the sequences that match the span so far, so a step costs O(sequences still matching),
 * never string matching against the vocabulary.
 */
public final class GroundingIndex {
    /**
     * One path through the trie. For a sentence, token i copies characters
     * {@code [charStart[i], charEnd[i])} of its passage; a marker has {@code sentence == -1}.
     */
    record Path(int[] tokens, int[] charStart, int[] charEnd, int passage, int sentence) {
        boolean isMarker() {
            return sentence < 0;
        }
    }

    final List<Path> openings = new ArrayList<>();
    final List<Path> continuations = new ArrayList<>();
    final Map<Integer, Path> markers = new HashMap<>();
    final BitSet ends = new BitSet();
    final GroundingRules rules;
    private int sentences;

    private GroundingIndex(GroundingRules rules) {
        this.rules = rules;
    }

    public static GroundingIndex build(List<Passage> passages, BpeTokenizer tokenizer, GroundingRules rules) {
        return build(passages, tokenizer, rules, sentence -> true);
    }

    /**
     * @param mayOpen which sentences may open the answer (e.g. those that share the question's
     *                words); when none of the passages' sentences qualifies, any may
     */
    public static GroundingIndex build(List<Passage> passages, BpeTokenizer tokenizer, GroundingRules rules,
                                       java.util.function.Predicate<String> mayOpen) {
        GroundingIndex index = new GroundingIndex(rules);
        index.ends.set(tokenizer.id(SpecialToken.END));
        index.ends.set(tokenizer.id(SpecialToken.EOS));
        Set<String> seen = new HashSet<>();
        List<Path> fallbackOpenings = new ArrayList<>();
        for (Passage p : passages) {
            for (Sentences.Span span : Sentences.split(p.text())) {
                String sentence = span.of(p.text());
                if (!seen.add(sentence)) {
                    continue;   // overlapping passages repeat sentences: copy each once
                }
                int id = index.sentences++;
                Path opening = path(tokenizer, "", sentence, span.start(), p.number(), id);
                (mayOpen.test(sentence) ? index.openings : fallbackOpenings).add(opening);
                index.continuations.add(path(tokenizer, " ", sentence, span.start(), p.number(), id));
            }
            int[] marker = tokenizer.encode(" [" + p.number() + "]");
            index.markers.put(p.number(), new Path(marker, new int[marker.length], new int[marker.length], p.number(), -1));
        }
        if (index.openings.isEmpty()) {
            index.openings.addAll(fallbackOpenings);
        }
        return index;
    }

    /** How many distinct sentences an answer can copy from (0: grounding has nothing to offer). */
    public int sentenceCount() {
        return sentences;
    }

    /** A fresh constraint for one generation with no token limit. */
    public Constraint start() {
        return start(Integer.MAX_VALUE);
    }

    /**
     * A fresh constraint for one generation of at most {@code tokenBudget} tokens: a sentence may
     * start only if it fits with its citation and the end token (an answer opens with one that
     * fits when any does), and when none fits the answer may end (with fewer than the minimum of
     * sentences), so a small {@code max_tokens} gives a shorter answer that ends cleanly, not a cut one.
     */
    public Constraint start(int tokenBudget) {
        return new GroundingConstraint(this, tokenBudget);
    }

    /** The sentence spelt with {@code prefix}, and for each token the passage characters it copies. */
    private static Path path(BpeTokenizer tokenizer, String prefix, String sentence, int start, int passage, int id) {
        String text = prefix + sentence;
        int[] tokens = tokenizer.encode(text);
        int[] charAfterByte = charOffsets(text);
        int[] from = new int[tokens.length], to = new int[tokens.length];
        int bytes = 0;
        for (int i = 0; i < tokens.length; i++) {
            int first = charAfterByte[bytes];
            bytes += tokenizer.tokenBytes(tokens[i]).length;
            // Shift from the spelt text to the passage; the prefix space maps onto the sentence's start.
            from[i] = start + Math.max(0, first - prefix.length());
            to[i] = start + Math.max(0, charAfterByte[bytes] - prefix.length());
        }
        return new Path(tokens, from, to, passage, id);
    }

    /** {@code out[b]} = the UTF-16 index of the first char that starts at or after UTF-8 byte b. */
    private static int[] charOffsets(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[utf8.length + 1];
        int b = 0;
        for (int c = 0; c < text.length(); ) {
            int cp = text.codePointAt(c);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            for (int k = 0; k < len; k++) {
                out[b + k] = c;   // a token ending inside a character is credited from that character on
            }
            b += len;
            c += Character.charCount(cp);
        }
        out[utf8.length] = text.length();
        return out;
    }
}
