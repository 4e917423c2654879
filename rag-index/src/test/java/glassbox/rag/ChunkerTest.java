package glassbox.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import glassbox.rag.course.Course;

/** What the tutor's index holds of a lesson. */
class ChunkerTest {
    @Test
    void exercisesAndFurtherReadingAreNotIndexedAndLinkTargetsAreDropped() {
        Course course = Course.load(Path.of(System.getProperty("glassbox.course.dir", "../course")),
                Path.of(System.getProperty("glassbox.model.dir", "../models/course-tiny")));
        List<Chunk> chunks = Chunker.chunks(course);
        assertThat(chunks).isNotEmpty().noneMatch(c -> c.section().equals("Further reading") || c.section().equals("Exercises"));
        assertThat(chunks).anyMatch(c -> c.section().equals("Try it in the lab"));
        assertThat(chunks).noneMatch(c -> c.text().contains("<details>") || c.text().contains("</details>") || c.text().contains("{{"));
        assertThat(chunks).noneMatch(c -> c.text().contains("](/")).anyMatch(c -> c.text().contains("the training page"));
    }

    @Test
    void plainTextKeepsLinkTextAndDropsMarkup() {
        assertThat(Chunker.plain("Open [the training page](/training) and **read** `it`.")).isEqualTo("Open the training page and read it.");
    }
}
