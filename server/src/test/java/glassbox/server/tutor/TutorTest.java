package glassbox.server.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.server.Services;
import glassbox.server.TestServer;

/** Which questions the course answers: course questions get passages, everything else the no-context reply. */
class TutorTest {
    static Services services;

    @BeforeAll
    static void load() throws Exception {
        services = TestServer.services();
    }

    private static TutorPrompt ask(String question) {
        return services.tutor().prepare(List.of(new ChatFormat.Message("user", question)), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"what is top-p sampling", "how long is a vector", "why do we divide attention scores by sqrt(dk)?",
            "my training loss suddenly explodes to nan, why?", "whats underfitting",
            "king - man + woman = queen, how does that even work"})
    void courseQuestionsGetCitedPassages(String question) {
        TutorPrompt p = ask(question);
        assertThat(p.answered()).as(question).isTrue();
        assertThat(p.citations()).isNotEmpty().hasSizeLessThanOrEqualTo(Tutor.MAX_PASSAGES);
    }

    @Test
    void oneLessonFillsAtMostTwoOfTheThreePassages() {
        String question = "what's the bias for in a neuron? cant we just use weights";
        // Search ranks three sections of the neuron lesson first; the third passage goes to another lesson.
        List<String> searched = services.tutor().retrieval(question).hits().stream().map(h -> h.slug()).limit(3).toList();
        assertThat(searched).containsOnly(searched.getFirst());
        List<String> cited = ask(question).citations().stream().map(Citation::slug).toList();
        assertThat(cited).hasSize(Tutor.MAX_PASSAGES);
        assertThat(cited.stream().filter(cited.getFirst()::equals)).hasSize(Tutor.MAX_PER_LESSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"what does the bias of a neuron do?", "why does my loss explode?", "what does cosine similarity measure?"})
    void answersComeFromExplainingSectionsNotLabSteps(String question) {
        // Each question is quoted in some lesson's "Try it in the lab" steps ("Ask the tutor at / ..."), so search ranks those steps high.
        assertThat(services.index().search(question, 8)).extracting(h -> h.section()).contains("Try it in the lab");
        TutorPrompt p = ask(question);
        assertThat(p.citations()).as(question).isNotEmpty()
                .allSatisfy(c -> assertThat(c.section()).isNotEqualToIgnoringCase("Try it in the lab"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"my printer won't connect to wifi", "how much does a car insurance cost", "what time is it",
            "recipe for chocolate cake", "who won the world cup in 2018"})
    void offTopicQuestionsGetNoPassages(String question) {
        // Some of these share words with the course ("connect", "cost", "time"): words alone would have cited a lesson.
        TutorPrompt p = ask(question);
        assertThat(p.answered()).as(question).isFalse();
        assertThat(p.citations()).isEmpty();
        assertThat(p.fallback()).isEqualTo(services.tutor().templates().noContext());
    }

    @ParameterizedTest
    @ValueSource(strings = {"what is bf16", "what is rlaif", "what is flashattention"})
    void aTermOnlyTheCourseExplainsIsAnsweredFromTheSectionThatHasIt(String question) {
        String term = question.substring("what is ".length());
        Tutor.Retrieval r = services.tutor().retrieval(question);
        assertThat(r.courseTerms()).containsExactly(term);
        // Neither close in meaning nor strong in words: the term alone opens the gate.
        assertThat(r.hits()).noneMatch(h -> Tutor.answers(h, java.util.Set.of()));
        TutorPrompt p = ask(question);
        assertThat(p.answered()).as(question).isTrue();
        assertThat(p.citations()).anySatisfy(c -> assertThat(c.passage().toLowerCase()).contains(term));
    }

    @Test
    void aPastedPageIsReadForCourseTermsOnlyInItsFirstWords() {
        String filler = " zqxw".repeat(500);
        assertThat(services.tutor().courseTerms("rlaif" + filler)).containsExactly("rlaif");
        assertThat(services.tutor().courseTerms(filler + " rlaif")).isEmpty();
    }

    @Test
    void offTopicQuestionsAreSeldomAnsweredAndNeverThroughACourseTerm() throws Exception {
        List<String> questions = Files.readAllLines(Path.of("src/test/resources/tutor-off-topic-questions.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        assertThat(questions).hasSizeGreaterThanOrEqualTo(40);
        long answered = 0;
        for (String q : questions) {
            assertThat(services.tutor().courseTerms(q)).as(q).isEmpty();
            answered += ask(q).answered() ? 1 : 0;
        }
        // Two pass today on words and meaning: "how does bluetooth pairing work" (byte-pair merges), "a transformer in an electrical grid".
        assertThat(answered).isLessThanOrEqualTo(2);
    }
}
