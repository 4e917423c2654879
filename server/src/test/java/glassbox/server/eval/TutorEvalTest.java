package glassbox.server.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.server.TestServer;

/**
 * Floors on the tutor's answers over the two dev question sets, asked through the real API with
 * the committed model, grounded and greedy (the figures themselves are in the model card). The
 * second set was written after the settings had been tuned on the first, so its floors are lower:
 * they guard how well the settings carry over to new questions.
 */
class TutorEvalTest {
    static EvalSummary grounded;
    static EvalSummary groundedOnNewQuestions;

    @BeforeAll
    static void run() throws Exception {
        TutorEval eval = new TutorEval(TestServer.url(), TestServer.services().course());
        grounded = ask(eval, "src/test/resources/tutor-dev-questions.tsv", 120);
        groundedOnNewQuestions = ask(eval, "src/test/resources/tutor-dev-questions-2.tsv", 200);
    }

    private static EvalSummary ask(TutorEval eval, String file, int atLeast) throws Exception {
        List<DevQuestion> questions = DevQuestion.read(Path.of(file));
        assertThat(questions).hasSizeGreaterThanOrEqualTo(atLeast);
        EvalSummary summary = EvalSummary.of("passages", eval.run(questions, new TutorEval.Settings("passages", 0, null, 7)));
        System.err.println(file + ": " + summary);
        return summary;
    }

    @Test
    void citationsFindTheLesson() {
        assertThat(grounded.citeAt3()).isGreaterThanOrEqualTo(CITE_AT_3);
        assertThat(groundedOnNewQuestions.citeAt3()).isGreaterThanOrEqualTo(CITE_AT_3_NEW);
    }

    @Test
    void answersNameTheConceptAsked() {
        assertThat(grounded.keyTermRate()).isGreaterThanOrEqualTo(KEY_TERMS);
        assertThat(groundedOnNewQuestions.keyTermRate()).isGreaterThanOrEqualTo(KEY_TERMS_NEW);
    }

    @Test
    void answersAreCourseTextAndEndCleanly() {
        for (EvalSummary s : List.of(grounded, groundedOnNewQuestions)) {
            // the second set's few refusals ("I could not find a lesson about that…") are not course text
            assertThat(s.groundedShare()).isGreaterThanOrEqualTo(0.93);
            assertThat(s.courseShare()).isGreaterThanOrEqualTo(0.93);
            assertThat(s.cleanStopRate()).isGreaterThanOrEqualTo(0.95);
            // four sentences and their markers (107-113 measured), inside the 256 tokens a grounded answer may use by default
            assertThat(s.meanAnswerTokens()).isBetween(10.0, 130.0);
        }
        assertThat(grounded.groundedShare()).isGreaterThanOrEqualTo(0.95);
        assertThat(grounded.courseShare()).isGreaterThanOrEqualTo(0.95);
    }

    /**
     * Measured with the committed model (see the model card): cite@3 0.967 and key terms 0.800 on
     * the first set, 0.935 and 0.727 on the second; the floors leave a little room.
     */
    static final double CITE_AT_3 = 0.94;
    static final double KEY_TERMS = 0.78;
    static final double CITE_AT_3_NEW = 0.91;
    static final double KEY_TERMS_NEW = 0.70;
}
