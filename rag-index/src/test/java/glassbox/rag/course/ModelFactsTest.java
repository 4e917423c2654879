package glassbox.rag.course;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The committed model's numbers, formatted the way lessons quote them. */
class ModelFactsTest {
    @Test
    void readsTheCommittedModel() throws Exception {
        Path dir = CourseTest.modelDir();
        JsonNode training = new ObjectMapper().readTree(dir.resolve("training.json").toFile());
        ModelFacts facts = ModelFacts.load(dir);
        long parameters = training.get("parameters").asLong();
        long seen = training.get("tokens_seen").asLong();
        assertThat(facts.get("model.parameters")).contains(String.format("%,d", parameters));
        assertThat(facts.get("training.tokens_seen")).contains(String.format("%,d", seen));
        assertThat(facts.get("training.steps")).contains(training.get("steps").asText());
        assertThat(facts.get("training.validation_documents")).contains(Integer.toString(training.get("validation_documents").size()));
        assertThat(facts.get("training.best_val_loss")).contains(String.format(java.util.Locale.ROOT, "%.3f", training.get("best_val_loss").asDouble()));
        assertThat(facts.get("model.layers")).contains("6");
        assertThat(facts.get("training.flops")).hasValueSatisfying(f -> assertThat(f).matches("\\d\\.\\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+"));
    }

    @Test
    void formatsLargeNumbersForReaders() {
        assertThat(ModelFacts.integer(5_795_072)).isEqualTo("5,795,072");
        assertThat(ModelFacts.powerOfTen(6.0 * 5_795_072 * 3_276_800)).isEqualTo("1.1 × 10¹⁴");
        assertThat(ModelFacts.powerOfTen(5.88e23)).isEqualTo("5.9 × 10²³");
    }

    @Test
    void aDirectoryWithoutTrainingJsonHasNoFacts(@TempDir Path dir) {
        assertThat(ModelFacts.load(dir).values()).isEmpty();
        assertThat(Placeholders.resolve("{{training.steps}} steps", ModelFacts.load(dir))).isEqualTo("{{training.steps}} steps");
    }
}
