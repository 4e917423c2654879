package glassbox.rag.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LessonParserTest {
    private static final String LESSON = """
            ---
            title: "The Neuron"
            slug: 01-the-neuron
            summary: "A weighted sum and a non-linearity."
            key_terms:
              - perceptron
              - bias
            prerequisites: []
            ---

            Intro text.

            ## What a neuron computes
            It adds things up.

            ```java
            ## not a heading inside code
            ```

            ## Try it in the lab
            Open the tokenizer.
            """;

    @Test
    void parsesFrontMatterAndSections() {
        Lesson lesson = LessonParser.parse("01-the-neuron.md", LESSON);
        assertThat(lesson.slug()).isEqualTo("01-the-neuron");
        assertThat(lesson.title()).isEqualTo("The Neuron");
        assertThat(lesson.keyTerms()).containsExactly("perceptron", "bias");
        assertThat(lesson.prerequisites()).isEmpty();
        assertThat(lesson.sections()).extracting(Section::heading)
                .containsExactly("What a neuron computes", "Try it in the lab");
        assertThat(lesson.sections().get(0).anchor()).isEqualTo("what-a-neuron-computes");
        assertThat(lesson.sections().get(0).text()).contains("## not a heading inside code");
    }

    @Test
    void missingFieldIsNamed() {
        String broken = LESSON.replace("summary: \"A weighted sum and a non-linearity.\"\n", "");
        assertThatThrownBy(() -> LessonParser.parse("01-the-neuron.md", broken))
                .isInstanceOf(CourseFormatException.class)
                .hasMessageContaining("01-the-neuron.md").hasMessageContaining("summary");
    }

    @Test
    void missingFrontMatterIsAnError() {
        assertThatThrownBy(() -> LessonParser.parse("x.md", "# Title\n"))
                .isInstanceOf(CourseFormatException.class).hasMessageContaining("front matter");
    }

    @Test
    void anchorsDropPunctuation() {
        assertThat(Anchors.of("Worked example: softmax over 3 logits!")).isEqualTo("worked-example-softmax-over-3-logits");
    }
}
