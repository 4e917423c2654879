package glassbox.server.tutor;

import static org.assertj.core.api.Assertions.assertThat;

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
    @ValueSource(strings = {"why can't one neuron learn XOR?", "why does my loss explode?", "what does cosine similarity measure?"})
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
}
