package glassbox.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import glassbox.rag.course.Course;

class IndexStoreTest {
    @Test
    void rebuildsOnlyWhenTheCourseChanges(@TempDir Path tmp) throws Exception {
        Path courseDir = tmp.resolve("course");
        Files.createDirectories(courseDir);
        Path real = Path.of(System.getProperty("glassbox.course.dir", "../course"));
        for (String f : new String[] {"06-tokenization.md", "08-the-attention-mechanism.md"}) {
            Files.copy(real.resolve(f), courseDir.resolve(f));
        }
        Path indexDir = tmp.resolve("index");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true);

        Course course = Course.load(courseDir);
        assertThat(IndexStore.isFresh(course, indexDir)).isFalse();
        try (CourseIndex index = IndexStore.open(course, indexDir, out)) {
            assertThat(index.search("byte pair encoding", 1)).extracting(SearchHit::slug).containsExactly("06-tokenization");
        }
        assertThat(log.toString()).contains("indexing the course: 2 lessons");
        assertThat(IndexStore.isFresh(course, indexDir)).isTrue();

        log.reset();
        try (CourseIndex index = IndexStore.open(Course.load(courseDir), indexDir, out)) {
            assertThat(index.chunkCount()).isPositive();
        }
        assertThat(log.toString()).isEmpty();

        Files.writeString(courseDir.resolve("06-tokenization.md"), "\nA new closing line about zebras.\n", java.nio.file.StandardOpenOption.APPEND);
        Course changed = Course.load(courseDir);
        assertThat(IndexStore.isFresh(changed, indexDir)).isFalse();
        try (CourseIndex index = IndexStore.open(changed, indexDir, out)) {
            assertThat(index.search("zebras", 1)).extracting(SearchHit::slug).containsExactly("06-tokenization");
        }
        assertThat(log.toString()).contains("indexed");
    }
}
