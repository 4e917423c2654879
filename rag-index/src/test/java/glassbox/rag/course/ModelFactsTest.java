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
        assertThat(facts.get("training.steps")).contains(String.format("%,d", training.get("steps").asLong()));
        assertThat(facts.get("training.validation_documents")).contains(Integer.toString(training.get("validation_documents").size()));
        assertThat(facts.get("training.best_val_loss")).contains(String.format(java.util.Locale.ROOT, "%.3f", training.get("best_val_loss").asDouble()));
        assertThat(facts.get("model.layers")).contains("6");
        assertThat(facts.get("training.flops")).hasValueSatisfying(f -> assertThat(f).matches("\\d\\.\\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+"));
    }

    @Test
    void derivesTheKvCacheAndRopeTurnsFromTheContextLength() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode training = json.readTree("{\"parameters\": 5795072, \"tokens_seen\": 3276800, \"config\": {}, \"curve\": []}");
        String shape = "\"num_hidden_layers\": 6, \"num_attention_heads\": 8, \"num_key_value_heads\": 8, \"head_dim\": 32, \"rope_theta\": 10000.0";
        // 2 × 6 × 8 × 32 × 512 × 4 bytes; pair 0 turns 511 / 2π ≈ 81.3 times, pair 15 only 511 × 10000^(-15/16) ≈ 0.09 radians
        ModelFacts at512 = ModelFacts.of(json.readTree("{" + shape + ", \"glassbox_context_length\": 512}"), training);
        assertThat(at512.get("model.kv_cache_bytes")).contains("6,291,456");
        assertThat(at512.get("model.kv_cache_mib")).contains("6");
        assertThat(at512.get("model.rope_pairs")).contains("16");
        assertThat(at512.get("model.rope_fastest_turns")).contains("81");
        assertThat(at512.get("model.rope_slow_pairs")).contains("8");
        assertThat(at512.get("model.rope_slowest_radians")).contains("0.09");
        // twice the window: twice the cache; pair 8 (1023 × 10000^(-1/2) ≈ 10.2 radians) now completes a turn
        ModelFacts at1024 = ModelFacts.of(json.readTree("{" + shape + ", \"glassbox_context_length\": 1024}"), training);
        assertThat(at1024.get("model.kv_cache_mib")).contains("12");
        assertThat(at1024.get("model.rope_fastest_turns")).contains("162");
        assertThat(at1024.get("model.rope_slow_pairs")).contains("7");
        assertThat(at1024.get("model.rope_slowest_radians")).contains("0.18");
        assertThat(ModelFacts.decimal(1.5)).isEqualTo("1.5");
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
