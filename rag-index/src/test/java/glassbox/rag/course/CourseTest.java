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

    static Path modelDir() {
        return Path.of(System.getProperty("glassbox.model.dir", "../models/course-tiny"));
    }

    @Test
    void theShippedCourseHasAllLessonsAndPassesEveryCheck() {
        Course course = Course.load(courseDir(), modelDir());
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
    void theShippedCourseWithoutModelNumbersReportsItsPlaceholders() {
        List<String> problems = CourseCheck.problems(Course.load(courseDir()));
        assertThat(problems).isNotEmpty().allMatch(p -> p.contains("placeholder {{") && p.endsWith("does not resolve"));
    }

    @Test
    void placeholdersResolveFromTheModelAndUnknownOnesAreReported(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: sums").replace("## Intro\n\n",
                "## Intro\n\nIt saw {{training.steps}} steps and {{training.stepz}} more.\n\n"));
        Course course = Course.load(dir).resolve(new ModelFacts(java.util.Map.of("training.steps", "800")));
        assertThat(course.lessons().get(0).body()).contains("It saw 800 steps and {{training.stepz}} more.");
        assertThat(course.lessons().get(0).sections().get(0).text()).contains("800 steps");
        assertThat(CourseCheck.problems(course)).contains("00-a.md: placeholder {{training.stepz}} does not resolve");
        assertThat(course.contentHash()).isNotEqualTo(Course.load(dir).contentHash())
                .isNotEqualTo(Course.load(dir).resolve(new ModelFacts(java.util.Map.of("training.steps", "900"))).contentHash());
    }

    @Test
    void glossaryTermsMustOccurInTheLessonTheyLinkTo(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "[]", 700, "Worked example: sums").replace("## Intro\n\n",
                "## Intro\n\nCross attention and emergent abilities.\n\n"));
        Files.writeString(dir.resolve("glossary.md"), "---\ntitle: \"Glossary\"\n---\n\n## A\n\n"
                + "### Cross-attention\nQueries from one sequence.\n\nLesson: [00-a](00-a.md)\n\n"
                + "### Emergent ability\nAppears with scale.\n\nLesson: [00-a](00-a.md)\n\n"
                + "### Double descent\nA second fall.\n\nLesson: [00-a](00-a.md)\n\n"
                + "### Answer term\nOnly in an exercise.\n\nLesson: [00-a](00-a.md)\n");
        Files.writeString(dir.resolve("00-a.md"), Files.readString(dir.resolve("00-a.md")).replace("Think.** Why?", "Think.** Why answer term?"));
        assertThat(CourseCheck.problems(Course.load(dir))).filteredOn(p -> p.contains("does not occur")).containsExactly(
                "glossary.md: term 'Double descent' does not occur in lesson '00-a'",
                "glossary.md: term 'Answer term' does not occur in lesson '00-a'");
    }

    @Test
    void prerequisitesPointBackwardsOnly(@TempDir Path dir) throws IOException {
        writeCourse(dir, lesson("00-a", "\n  - 01-b", 700, "Worked example: s"), lesson("01-b", "\n  - 00-a", 700, "Worked example: t"));
        assertThat(CourseCheck.problems(Course.load(dir))).filteredOn(p -> p.contains("prerequisite"))
                .containsExactly("00-a.md: prerequisite '01-b' does not come before it");
    }

    @Test
    void exercisesNeedThreeAnsweredItemsOfEachKind(@TempDir Path dir) throws IOException {
        String noAnswer = lesson("00-a", "[]", 700, "Worked example: s").replace("<details><summary>Answer</summary>\n\nIt is 4.\n\n</details>\n", "");
        String wrongKind = lesson("01-b", "[]", 700, "Worked example: s").replace("**3. Think.**", "**3. Ponder.**");
        String missing = lesson("02-c", "[]", 700, "Worked example: s");
        missing = missing.substring(0, missing.indexOf("## Exercises")) + "## Further reading\n\n- A. Author (2017). *A paper*.\n";
        String cramped = lesson("03-d", "[]", 700, "Worked example: s").replace("<details><summary>Answer</summary>\n\nIt is 4.",
                "<details><summary>Answer</summary>\nIt is 4.");
        writeCourse(dir, noAnswer, wrongKind, missing, cramped);
        List<String> problems = CourseCheck.problems(Course.load(dir));
        assertThat(problems).contains("00-a.md: exercise 1 has no answer in <details><summary>Answer</summary> ... </details>",
                "01-b.md: exercise 3 is a 'Ponder' (expected one of [Compute, Predict and check, Think])",
                "01-b.md: no 'Think' exercise", "02-c.md: no '## Exercises' section",
                "03-d.md: '<details><summary>Answer</summary>' needs a blank line before and after it");
        assertThat(problems).anyMatch(p -> p.startsWith("02-c.md: the last sections must be"));
    }

    @Test
    void furtherReadingNeedsTwoToFourSourcesWithAYear(@TempDir Path dir) throws IOException {
        String noYear = lesson("00-a", "[]", 700, "Worked example: s").replace("- B. Author (2019). *Another*.", "- B. Author. *Another*.");
        String tooMany = lesson("01-b", "[]", 700, "Worked example: s").replace("- B. Author (2019). *Another*.\n",
                "- B. Author (2019). *Another*.\n- C (2020). x\n- D (2021). y\n- E (2022). z\n");
        writeCourse(dir, noYear, tooMany);
        assertThat(CourseCheck.problems(Course.load(dir))).contains(
                "00-a.md: further-reading entry without a (year): - B. Author. *Another*.",
                "01-b.md: 5 further-reading entries (expected 2-4)");
    }

    @Test
    void exercisesAndFurtherReadingDoNotCountAsTeachingWords(@TempDir Path dir) throws IOException {
        String l = lesson("00-a", "[]", 700, "Worked example: s");
        String longer = l.replace("It is 4.", "It is 4. " + "more ".repeat(2000));
        writeCourse(dir, longer);
        Lesson lesson = Course.load(dir).lessons().get(0);
        assertThat(lesson.wordCount()).isEqualTo(Course.load(dir).lessons().get(0).teachingText().strip().split("\\s+").length)
                .isLessThan(CourseCheck.MAX_WORDS);
        assertThat(lesson.teachingText()).doesNotContain("## Exercises").contains("## Try it in the lab");
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
                + "## Intro\n\nTerm " + slug + ". " + filler + "\n\n## " + secondHeading + "\n\n" + filler + "\n\n## Try it in the lab\n\n" + filler + "\n\n"
                + "## Exercises\n\n"
                + "**1. Compute.** What is 2 + 2?\n\n<details><summary>Answer</summary>\n\nIt is 4.\n\n</details>\n\n"
                + "**2. Predict and check.** Guess, then look.\n\n<details><summary>Answer</summary>\n\nLook.\n\n</details>\n\n"
                + "**3. Think.** Why?\n\n<details><summary>Answer</summary>\n\nBecause.\n\n</details>\n\n"
                + "## Further reading\n\n- A. Author (2017). *A paper*.\n- B. Author (2019). *Another*.\n";
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
