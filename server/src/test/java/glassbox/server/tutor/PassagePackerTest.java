package glassbox.server.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The word half of a sentence's score: shared question words, rarer ones counting more, and shared word pairs. */
class PassagePackerTest {

    @Test
    void aSharedPairOfQuestionWordsOutweighsTheSameWordsApart() {
        List<String> sentences = List.of(
                "Adam keeps a running average per weight, and the decay of that average is set by beta.",
                "Weight decay: shrink every weight a little at each step.");
        double[] s = PassagePacker.wordScores("weight decay??", sentences);
        // Both sentences have "weight" and "decay"; only the second has them side by side.
        assertThat(s[1]).isGreaterThan(s[0]);
        assertThat(s[0]).isEqualTo(1.0);   // two words, each in both sentences: 1/2 + 1/2
        assertThat(s[1]).isEqualTo(1.0 + PassagePacker.PAIR_WEIGHT);
    }

    @Test
    void aStopWordBetweenTwoWordsBreaksThePair() {
        assertThat(PassagePacker.pairs("the size of the batch")).isEmpty();
        assertThat(PassagePacker.pairs("what is mixed precision training")).containsExactlyInAnyOrder("mixed preci", "preci train");
    }

    @Test
    void rarerSharedWordsCountMore() {
        List<String> sentences = List.of("The model predicts the next token.", "Softmax turns the model's scores into probabilities.",
                "A model is trained.");
        double[] s = PassagePacker.wordScores("softmax model", sentences);
        assertThat(s[1]).isGreaterThan(s[0]);
        assertThat(s[0]).isEqualTo(1.0 / 3);
    }
}
