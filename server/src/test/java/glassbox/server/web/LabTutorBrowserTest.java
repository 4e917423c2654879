package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import glassbox.rag.CourseIndex;
import glassbox.rag.SearchHit;
import glassbox.server.TestServer;

/**
 * The widgets of lessons 21–25 that run the tutor's real parts: the search playground (21),
 * grounding off and on (25), the agent trace (22) and prompt settings side by side (23). Their numbers
 * are checked against the index and the API called directly by the test.
 */
class LabTutorBrowserTest {

    @Test
    void searchPlaygroundShowsTheIndexsScoresAndFieldParts() throws Exception {
        LabPage lab = LabPage.open("21-rag");
        assertThat(lab.value("query")).isEqualTo("what is top-p sampling");
        String q = "how does multi-head attention split the heads";
        lab.set("select", "3").set("input[type=text]", q);
        lab.waitFor(() -> lab.value("query").equals(q));
        List<SearchHit> expected = TestServer.services().index().search(q, 3, true);
        assertThat(lab.number("count")).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            SearchHit h = expected.get(i);
            int n = i + 1;
            assertThat(lab.value("hit-" + n)).isEqualTo(h.title() + " — " + h.section());
            assertThat(lab.number("score-" + n)).isCloseTo(h.score(), within(1e-4));
            assertThat(lab.number("words-" + n)).isCloseTo(h.wordScore(), within(1e-3));
            assertThat(lab.number("similarity-" + n)).isCloseTo(h.similarity(), within(1e-3));
            double sum = 0;
            for (String f : CourseIndex.FIELD_ORDER) {
                double shown = lab.number("field-" + n + "-" + f);
                assertThat(shown).as(f).isCloseTo(h.fields().get(f), within(1e-3));
                sum += shown;
            }
            assertThat(sum).isCloseTo(h.wordScore(), within(1e-2));
        }
        // the first hit has the words in its title and its text
        assertThat(lab.number("field-1-text")).isGreaterThan(0);
        lab.finish();
    }
}
