package glassbox.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which pieces of course text a grounded answer may quote. */
class SentencesTest {
    private static List<String> quotable(String text) {
        return Sentences.split(text).stream().map(s -> s.of(text)).toList();
    }

    @Test
    void sentencesEndAtPunctuationBeforeACapitalOrALineBreak() {
        assertThat(quotable("Softmax turns scores into probabilities. They add up to one.\nTop-k keeps the k best tokens."))
                .containsExactly("Softmax turns scores into probabilities.", "They add up to one.", "Top-k keeps the k best tokens.");
    }

    @Test
    void fragmentsShortSentencesAndTablesAreNotQuotable() {
        assertThat(quotable("and then it stops here for good. Too short. | a | b | row of a table."))
                .isEmpty();
    }

    @Test
    void aSentenceCutInsideAFormulaIsNotQuotable() {
        // the second window of a long section can open inside inline math
        String cut = "1)$ have the dot product $1 \\cdot 3 + 2 \\cdot 1 = 5$ before rotation. Put the query at position 2 and the key at position 1.";
        assertThat(quotable(cut)).containsExactly("Put the query at position 2 and the key at position 1.");
        String whole = "A query pair $(1, 2)$ and a key pair $(3, 1)$ have the dot product $5$ before rotation.";
        assertThat(quotable(whole)).containsExactly(whole);
        assertThat(Sentences.balancedMath("A price of \\$5 and $x$ in one sentence.")).isTrue();
    }
}
