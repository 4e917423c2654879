package glassbox.rag.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped course obeys its rules, and the rules catch broken lessons. */
class CourseTest {
    static final List<String> SLUGS = List.of("00-vectors-and-tensors", "01-the-neuron", "02-layers-and-deep-networks",
            "03-activation-functions", "04-training-and-backpropagation", "05-overfitting-and-generalization",
            "06-tokenization", "07-embeddings", "08-the-attention-mechanism", "09-multi-head-attention",
            "10-the-transformer-block", "11-stacking-layers", "12-the-language-modeling-objective", "13-pretraining-data",
            "14-the-pretraining-loop", "15-compute-and-scale", "16-fine-tuning-and-instruction-tuning", "17-rlhf",
            "18-the-inference-loop", "19-decoding-strategies", "20-context-window", "21-rag", "22-agents-and-tool-use",
            "23-prompt-engineering", "24-multimodal-models", "25-what-llms-cant-do");

    static Path courseDir() {
        return Path.of(System.getProperty("glassbox.course.dir", "../course"));
    }

    @Test
    void theShippedCourseHasAllLessonsAndPassesEveryCheck() {
        Course course = Course.load(courseDir());
        assertThat(course.lessons()).extracting(Lesson::slug).containsExactlyElementsOf(SLUGS);
        assertThat(CourseCheck.problems(course)).isEmpty();
        assertThat(course.glossary()).hasSizeGreaterThanOrEqualTo(CourseCheck.MIN_GLOSSARY_TERMS);
    }

    @Test
    void aGoodSyntheticCoursePasses(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: sums"), lesson("01-b", "\n  - 00-a", 700, "Worked example: more"));
        assertThat(CourseCheck.problems(Course.load(dir))).containsExactly(
                "glossary.md: 2 terms (expected at least 150)");
    }

    @Test
    void catchesShortLessonsBadSlugsDuplicateHeadingsAndDanglingLinks(@TempDir Path dir) throws IOException {
        String shortOne = lesson("00-a", "[]", 200, "Worked example: sums");
        String wrongSlug = lesson("01-b", "[]", 700, "Worked example: x").replace("slug: 01-b", "slug: 01-c");
        String duplicate = lesson("02-c", "\n  - 09-missing", 700, "Intro");
        writeCourse(dir, shortOne, wrongSlug, duplicate);
        Files.writeString(dir.resolve("glossary.md"), Files.readString(dir.resolve("glossary.md")).replace("(00-a.md)", "(00-a.md)")
                .replace("Lesson: [01-b](01-b.md)", "Lesson: [07-nope](07-nope.md)"));
        List<String> problems = CourseCheck.problems(Course.load(dir));
        assertThat(problems).anyMatch(p -> p.startsWith("00-a.md: ") && p.contains("words"));
        assertThat(problems).anyMatch(p -> p.startsWith("01-b.md: slug '01-c'"));
        assertThat(problems).anyMatch(p -> p.equals("02-c.md: heading 'Intro' is not unique"));
        assertThat(problems).anyMatch(p -> p.equals("02-c.md: no '## Worked example…' section"));
        assertThat(problems).anyMatch(p -> p.contains("prerequisite '09-missing'"));
        assertThat(problems).anyMatch(p -> p.contains("links to unknown lesson '07-nope'"));
    }

    @Test
    void missingFrontMatterFieldIsAnError(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: s").replace("summary: \"One line.\"\n", ""));
        assertThatThrownBy(() -> Course.load(dir)).isInstanceOf(CourseFormatException.class).hasMessageContaining("'summary'");
    }

    @Test
    void glossaryTermWithoutLessonLinkIsAnError(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: s"));
        Files.writeString(dir.resolve("glossary.md"), "---\ntitle: \"Glossary\"\n---\n\n## A\n\n### Alpha\nA letter.\n");
        assertThatThrownBy(() -> Course.load(dir)).hasMessageContaining("term 'Alpha' has no 'Lesson:");
    }

    @Test
    void contentHashChangesWithTheText(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: s"));
        String before = Course.load(dir).contentHash();
        Files.writeString(dir.resolve("00-a.md"), Files.readString(dir.resolve("00-a.md")) + "\nOne more line.\n");
        assertThat(Course.load(dir).contentHash()).isNotEqualTo(before);
    }

    static String lesson(String slug, String prerequisites, int words, String secondHeading) {
        String filler = "word ".repeat(words / 3).strip();
        return "---\ntitle: \"Lesson " + slug + "\"\nslug: " + slug + "\nsummary: \"One line.\"\nkey_terms:\n  - term\n"
                + "prerequisites: " + prerequisites + "\n---\n\n"
                + "## Intro\n\n" + filler + "\n\n## " + secondHeading + "\n\n" + filler + "\n\n## Try it in the lab\n\n" + filler + "\n";
    }

    static void writeCourse(Path dir, String... lessons) throws IOException {
        StringBuilder glossary = new StringBuilder("---\ntitle: \"Glossary\"\n---\n\n## A\n\n");
        for (String l : lessons) {
            String slug = l.lines().filter(x -> x.startsWith("slug: ")).findFirst().orElseThrow().substring(6);
            String file = l.contains("slug: 01-c") ? "01-b" : slug;
            Files.writeString(dir.resolve(file + ".md"), l);
            if (!slug.equals("02-c")) {
                glossary.append("### Term ").append(file).append("\nA definition.\n\nLesson: [").append(file).append("](").append(file).append(".md)\n\n");
            }
        }
        Files.writeString(dir.resolve("glossary.md"), glossary.toString());
    }
}
