package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import glassbox.rag.course.Course;
import glassbox.rag.course.Lesson;
import glassbox.server.TestServer;

/** Every lesson has a hands-on widget, and a browser test opens it. */
class LabCoverageTest {

    @Test
    void everyLessonShipsAWidgetThatABrowserTestOpens() throws Exception {
        Course course = Course.load(TestServer.ROOT.resolve("course"), TestServer.ROOT.resolve("models/course-tiny"));
        String browserTests;
        try (Stream<Path> files = Files.list(Path.of("src/test/java/glassbox/server/web"))) {
            browserTests = String.join("\n", files.filter(f -> f.getFileName().toString().matches("Lab.*BrowserTest\\.java"))
                    .map(LabCoverageTest::read).toList());
        }
        assertThat(course.lessons()).hasSize(26);
        for (Lesson lesson : course.lessons()) {
            assertThat(LabApi.hasWidget(lesson.slug())).as("web/js/labs/%s.js", lesson.slug()).isTrue();
            assertThat(browserTests).as("a Lab*BrowserTest opens %s", lesson.slug()).contains("\"" + lesson.slug() + "\"");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
