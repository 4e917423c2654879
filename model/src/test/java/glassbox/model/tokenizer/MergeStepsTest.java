package glassbox.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.model.tokenizer.BpeTokenizer.MergeStep;
import glassbox.model.tokenizer.BpeTokenizer.PieceMerges;

/** Replaying the merge steps the tokenizer reports, from each piece's bytes, gives exactly the encoder's ids. */
class MergeStepsTest {
    static BpeTokenizer committed;

    @BeforeAll
    static void load() throws IOException {
        committed = BpeTokenizer.load(BpeEncoderTest.ROOT.resolve("models/course-tiny"));
    }

    /** Applies the steps to the piece's bytes, checking each names the pair that is really there. */
    static int[] replay(PieceMerges p) {
        List<Integer> tokens = new ArrayList<>();
        for (int b : p.bytes()) {
            tokens.add(b);
        }
        int lastRank = -1;
        for (MergeStep s : p.steps()) {
            assertThat(tokens.get(s.index())).as("%s: left of %s", p.piece(), s).isEqualTo(s.left());
            assertThat(tokens.get(s.index() + 1)).as("%s: right of %s", p.piece(), s).isEqualTo(s.right());
            // lowest rank first: a merge's result only takes part in merges learned after it
            assertThat(s.rank()).as("%s: ranks never go down", p.piece()).isGreaterThanOrEqualTo(lastRank);
            lastRank = s.rank();
            tokens.set(s.index(), s.result());
            tokens.remove(s.index() + 1);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void replayingTheStepsGivesExactlyTheEncodersIds() throws IOException {
        List<String> texts = new ArrayList<>(List.of("", "unbelievable tokenization", "The cat sat on the mat.", "héllo wörld 🙂 注意力",
                "    indented\n\n\tcode();", "aaaaaaaaaaaaaaaaaaaaaaaa", "<|user|>hi<|end|>", "12345 + 678 = 13023"));
        for (String course : BpeEncoderTest.courseFiles().subList(0, 3)) {
            texts.add(course);
        }
        int steps = 0;
        for (String text : texts) {
            List<PieceMerges> pieces = committed.mergeSteps(text);
            assertThat(pieces.stream().map(PieceMerges::piece).toList()).isEqualTo(BpeTokenizer.preTokenize(text));
            List<Integer> all = new ArrayList<>();
            for (PieceMerges p : pieces) {
                int[] replayed = replay(p);
                assertThat(replayed).as(p.piece()).isEqualTo(p.ids());
                Arrays.stream(replayed).forEach(all::add);
                steps += p.steps().size();
            }
            assertThat(all.stream().mapToInt(Integer::intValue).toArray()).as(text.length() > 40 ? text.substring(0, 40) : text)
                    .isEqualTo(committed.encode(text));
        }
        assertThat(steps).isGreaterThan(1000);
    }

    @Test
    void eachStepJoinsTwoTokensIntoTheOneWhoseBytesAreTheirs() {
        for (PieceMerges p : committed.mergeSteps(" unbelievable")) {
            assertThat(p.steps()).isNotEmpty();
            for (MergeStep s : p.steps()) {
                byte[] joined = new byte[committed.tokenBytes(s.left()).length + committed.tokenBytes(s.right()).length];
                System.arraycopy(committed.tokenBytes(s.left()), 0, joined, 0, committed.tokenBytes(s.left()).length);
                System.arraycopy(committed.tokenBytes(s.right()), 0, joined, committed.tokenBytes(s.left()).length, committed.tokenBytes(s.right()).length);
                assertThat(committed.tokenBytes(s.result())).isEqualTo(joined);
            }
        }
    }
}
