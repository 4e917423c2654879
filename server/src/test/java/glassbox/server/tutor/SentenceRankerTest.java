package glassbox.server.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import glassbox.rag.SentenceEncoder;

/** Which passage sentence answers a question: shared rare words and closeness in meaning, together. */
class SentenceRankerTest {
    static final SentenceRanker RANKER = new SentenceRanker(SentenceEncoder.shared());
    static final List<String> SENTENCES = List.of(
            "A matrix is a rectangular grid of numbers with rows and columns.",
            "The magnitude of an arrow is the square root of the sum of its squared entries.",
            "Dropout switches off a random fraction of units during training.");

    @Test
    void withNoSharedWordMeaningDecides() {
        double[] s = RANKER.scores("how big is an arrow, size wise", SENTENCES);
        assertThat(argmax(s)).isEqualTo(1);
        s = RANKER.scores("why do we randomly disable neurons while learning", SENTENCES);
        assertThat(argmax(s)).isEqualTo(2);
    }

    @Test
    void aRareSharedWordAndCloseMeaningWinTogether() {
        double[] s = RANKER.scores("what is dropout", SENTENCES);
        assertThat(argmax(s)).isEqualTo(2);
        assertThat(s[2]).isGreaterThan(s[0]).isGreaterThan(0);
    }

    @Test
    void onlyTheBestSentencesMayOpenAnAnswer() {
        var opens = RANKER.opening("what is dropout", SENTENCES);
        assertThat(opens.test(SENTENCES.get(2))).isTrue();
        assertThat(opens.test(SENTENCES.get(0))).isFalse();
        assertThat(opens.test("a sentence from elsewhere")).isFalse();
    }

    private static int argmax(double[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
