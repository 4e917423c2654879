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
        var opens = RANKER.opening("what is dropout", onePassage(SENTENCES));
        assertThat(opens.test(SENTENCES.get(2))).isTrue();
        assertThat(opens.test(SENTENCES.get(0))).isFalse();
        assertThat(opens.test("a sentence from elsewhere")).isFalse();
    }

    @Test
    void aLowerPassageMustMatchClearlyBetterToOpen() {
        String first = "Dropout switches off a random fraction of units during training.";
        String second = "Dropout is a regularizer: it switches off random units while training.";
        var best = RANKER.opening("what is dropout", List.of(new SentenceRanker.Quotable(first, 0), new SentenceRanker.Quotable(second, 1)));
        assertThat(best.test(first)).isTrue();
        assertThat(best.test(second)).isFalse();
        var swapped = RANKER.opening("what is dropout", List.of(new SentenceRanker.Quotable(second, 0), new SentenceRanker.Quotable(first, 1)));
        assertThat(swapped.test(second)).isTrue();
        assertThat(swapped.test(first)).isFalse();
    }

    @Test
    void aQuestionHandsItsOpeningToTheSentenceThatAnswersIt() {
        String question = "If one wide hidden layer suffices in principle, why stack many layers?";
        String answer = "Because depth is far more efficient.";
        var opens = RANKER.opening("why stack many layers if one wide hidden layer suffices",
                onePassage(List.of(question, answer, "A matrix is a rectangular grid of numbers with rows and columns.")));
        assertThat(opens.test(question)).isFalse();
        assertThat(opens.test(answer)).isTrue();
    }

    @Test
    void aSentenceThatLeansOnTheOneBeforeHandsItsOpeningBack() {
        String before = "Heatmaps of attention weights show which earlier tokens a position read from.";
        String leaning = "But they are not explanations of the output: the residual stream carries information around attention.";
        var opens = RANKER.opening("are attention heatmaps explanations of the output",
                onePassage(List.of("A matrix is a rectangular grid of numbers with rows and columns.", before, leaning)));
        assertThat(opens.test(before)).isTrue();
        assertThat(opens.test(leaning)).isFalse();
        assertThat(SentenceRanker.leansOnTheSentenceBefore("Therefore the loss falls.")).isTrue();
        assertThat(SentenceRanker.leansOnTheSentenceBefore("Thermometers measure heat.")).isFalse();
    }

    @Test
    void anOpeningCountsTheSentencesItsExcerptQuotesAfterIt() {
        String lone = "Weight decay and dropout both regularize a network.";
        String opening = "Dropout switches off a random fraction of units during training.";
        String after = "Weight decay pulls every weight a little toward zero, which also regularizes.";
        List<String> passage = List.of(opening, after, "A matrix is a rectangular grid of numbers with rows and columns.", lone);
        String question = "how do dropout and weight decay regularize a network";
        double[] own = RANKER.scores(question, passage);
        // alone, the last sentence matches best; but nothing follows it, while the opening's excerpt answers both halves
        assertThat(own[3]).isGreaterThan(own[0]);
        var opens = RANKER.opening(question, onePassage(passage));
        assertThat(opens.test(opening)).isTrue();
        assertThat(opens.test(lone)).isFalse();
    }

    @Test
    void aSentenceIsReadUnderItsHeading() {
        // Neither sentence names the topic; only the second one's heading does. Read bare, the first opens (its
        // excerpt quotes the second too); read under their headings, the second is so much closer that it opens.
        String rescaled = "Each vector is rescaled to zero mean and unit variance, then multiplied by a learned gain.";
        String stored = "Each vector is stored as one row of a matrix, one row per token.";
        String question = "what does layer normalization do";
        var withHeadings = RANKER.opening(question, List.of(new SentenceRanker.Quotable(stored, 0, "Tokens as rows"),
                new SentenceRanker.Quotable(rescaled, 0, "Layer normalization")));
        assertThat(withHeadings.test(rescaled)).isTrue();
        assertThat(withHeadings.test(stored)).isFalse();
        var bare = RANKER.opening(question, onePassage(List.of(stored, rescaled)));
        assertThat(bare.test(stored)).as("read bare, the first sentence opens").isTrue();
        assertThat(new SentenceRanker.Quotable(stored, 0, "Tokens as rows").inContext()).isEqualTo("Tokens as rows: " + stored);
        assertThat(new SentenceRanker.Quotable(stored, 0).inContext()).isEqualTo(stored);
    }

    @Test
    void codeNeverOpens() {
        String code = "String back = tok.decode(ids); // exactly \"Tokenizers split text.\"";
        String prose = "A tokenizer splits text into pieces from a fixed vocabulary.";
        var opens = RANKER.opening("what does tok.decode(ids) give back", onePassage(List.of(code, prose)));
        assertThat(opens.test(code)).isFalse();
        assertThat(opens.test(prose)).isTrue();
        assertThat(SentenceRanker.looksLikeCode(prose)).isFalse();
    }

    private static List<SentenceRanker.Quotable> onePassage(List<String> sentences) {
        return sentences.stream().map(t -> new SentenceRanker.Quotable(t, 0)).toList();
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
