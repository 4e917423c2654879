package glassbox.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import glassbox.rag.course.Course;

/** What the tutor's index holds of a lesson. */
class ChunkerTest {
    @Test
    void furtherReadingIsNotIndexedAndAnswerTagsAndLinkTargetsAreDropped() {
        Course course = Course.load(Path.of(System.getProperty("glassbox.course.dir", "../course")),
                Path.of(System.getProperty("glassbox.model.dir", "../models/course-tiny")));
        List<Chunk> chunks = Chunker.chunks(course);
        assertThat(chunks).isNotEmpty().noneMatch(c -> c.section().equals("Further reading"));
        assertThat(chunks).anyMatch(c -> c.section().equals("Try it in the lab"));
        assertThat(chunks).noneMatch(c -> c.text().contains("<details>") || c.text().contains("</details>") || c.text().contains("{{"));
        assertThat(chunks).noneMatch(c -> c.text().contains("](/"));
    }

    @Test
    void plainTextKeepsLinkTextAndDropsAnswerTags() {
        String md = "Open [the training page](/training) and **read** `it`.\n\n<details><summary>Answer</summary>\n\nSix.\n\n</details>";
        assertThat(Chunker.plain(md)).isEqualTo("Open the training page and read it.\n\n\n\nSix.");
    }
}
