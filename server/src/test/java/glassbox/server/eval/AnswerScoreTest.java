package glassbox.server.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AnswerScoreTest {
    @Test
    void fourGramsIgnoreCasePunctuationAndMarkers() {
        assertThat(AnswerScore.fourGrams("The KV cache, keeps keys. [1]")).containsExactly("the kv cache keeps", "kv cache keeps keys");
        assertThat(AnswerScore.fourGrams("too short")).isEmpty();
    }

    @Test
    void shareCountsTheAnswersFourGramsFoundInTheSource() {
        Set<String> source = AnswerScore.fourGramSet("Attention lets every token look back at earlier tokens.");
        assertThat(AnswerScore.share("Attention lets every token look back. [1]", source)).isCloseTo(1.0, offset(1e-9));
        assertThat(AnswerScore.share("Attention lets every token fly away", source)).isCloseTo(1.0 / 3, offset(1e-9));
        assertThat(AnswerScore.share("hi", source)).isZero();
    }

    @Test
    void keyTermsMatchCaseInsensitiveSubstrings() {
        assertThat(AnswerScore.namesKeyTerm("Nucleus sampling keeps ...", List.of("nucleus", "cumulative"))).isTrue();
        assertThat(AnswerScore.namesKeyTerm("It samples.", List.of("nucleus"))).isFalse();
    }

    @Test
    void summaryRatesAndPercentiles() {
        DevQuestion q = new DevQuestion("q", List.of("a"), List.of("t"));
        List<AnswerScore> s = List.of(
                new AnswerScore(q, "x", List.of("a"), true, true, 1, 1, true, 10, 100),
                new AnswerScore(q, "y", List.of("b"), false, false, 0, 0.5, false, 30, 300));
        EvalSummary e = EvalSummary.of("passages", s);
        assertThat(e.citeAt3()).isEqualTo(0.5);
        assertThat(e.keyTermRate()).isEqualTo(0.5);
        assertThat(e.courseShare()).isEqualTo(0.75);
        assertThat(e.meanAnswerTokens()).isEqualTo(20);
        assertThat(e.p50Millis()).isEqualTo(100);
        assertThat(e.p99Millis()).isEqualTo(300);
    }
}
