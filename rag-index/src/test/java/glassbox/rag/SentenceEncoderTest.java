package glassbox.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import glassbox.rag.course.Course;

/**
 * The encoder runs the artifact's own model with our session settings: on course text it gives
 * the vectors the artifact's ready-made model gives, one by one and in parallel.
 */
class SentenceEncoderTest {
    static final SentenceEncoder ENCODER = SentenceEncoder.shared();

    @Test
    void sameVectorsAsTheArtifactsOwnModel() throws Exception {
        List<String> texts = courseTexts(12);
        var artifact = new AllMiniLmL6V2QuantizedEmbeddingModel();
        List<float[]> together = ENCODER.encodeAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] ours = ENCODER.encode(texts.get(i));
            float[] theirs = artifact.embed(texts.get(i)).content().vector();
            assertThat(ours).hasSize(SentenceEncoder.DIMENSIONS);
            assertThat(dot(ours, ours)).as("unit length").isCloseTo(1.0, within(1e-4));
            assertThat(dot(ours, theirs)).as("cosine with the artifact's vector: %s", texts.get(i)).isGreaterThan(0.999);
            assertThat(dot(ours, together.get(i))).as("encodeAll keeps the order").isGreaterThan(0.999);
        }
    }

    @Test
    void nearbyMeaningsGetNearbyVectors() {
        float[] question = ENCODER.encode("how long is a vector");
        float[] answer = ENCODER.encode("The norm of a vector is its length: the square root of the sum of its squared entries.");
        float[] other = ENCODER.encode("Dropout switches off a random fraction of units during training.");
        assertThat(dot(question, answer)).isGreaterThan(dot(question, other));
    }

    /** Opening sentences of the first chunks of the real course. */
    private static List<String> courseTexts(int n) throws Exception {
        Course course = Course.load(Path.of(System.getProperty("glassbox.course.dir", "../course")),
                Path.of(System.getProperty("glassbox.model.dir", "../models/course-tiny")));
        return Chunker.chunks(course).stream().limit(n).map(Chunk::text)
                .map(t -> t.length() > 300 ? t.substring(0, 300) : t).toList();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
