package glassbox.rag.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The course is written in its own words: no run of {@value #RUN} words (case and punctuation
 * ignored) of any lesson or the glossary appears in the reference documents it was based on
 * ({@code ../shared/reference/seeds} beside the checkout; skipped where they are absent).
 */
class OwnWordsTest {
    static final int RUN = 8;

    static Path seedsDir() {
        return Path.of(System.getProperty("glassbox.reference.dir", "../../shared/reference/seeds"));
    }

    @Test
    void noEightWordRunOfTheCourseAppearsInTheReferenceSeeds() throws IOException {
        assumeTrue(Files.isDirectory(seedsDir()), "reference seeds not found at " + seedsDir().toAbsolutePath());
        Set<String> seedRuns = new HashSet<>();
        try (Stream<Path> files = Files.list(seedsDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                seedRuns.addAll(runs(Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        assertThat(seedRuns).isNotEmpty();
        List<String> copied = new ArrayList<>();
        try (Stream<Path> files = Files.list(CourseTest.courseDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                for (String run : runs(Files.readString(f, StandardCharsets.UTF_8))) {
                    if (seedRuns.contains(run)) {
                        copied.add(f.getFileName() + ": " + run);
                    }
                }
            }
        }
        assertThat(copied).isEmpty();
    }

    @Test
    void aCopiedSentenceIsFoundWhateverItsCaseAndPunctuation() {
        Set<String> seed = runs("Attention lets every token, at once, look back at all earlier tokens in the text.");
        assertThat(runs("As they say: attention lets EVERY token at once look back at all earlier tokens!")).anyMatch(seed::contains);
        assertThat(runs("Attention lets every token look back; at once, all earlier tokens in text.")).noneMatch(seed::contains);
    }

    static Set<String> runs(String text) {
        List<String> words = TermMatch.words(text);
        Set<String> out = new HashSet<>();
        for (int i = 0; i + RUN <= words.size(); i++) {
            out.add(String.join(" ", words.subList(i, i + RUN)));
        }
        return out;
    }
}
