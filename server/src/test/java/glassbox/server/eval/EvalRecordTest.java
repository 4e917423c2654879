package glassbox.server.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Json;

class EvalRecordTest {
    @TempDir
    Path model;

    @Test
    void figuresOnTwoQuestionSetsStandSideBySideAndARerunReplacesItsOwnRow() throws Exception {
        Files.writeString(model.resolve("training.json"), "{\"steps\": 800}");
        Files.writeString(model.resolve("README.md"), "# card\n\nText before.\n");
        EvalRecord.record(model, "grounded, temperature 0.0", EvalRecord.DEFAULT_SET, summary(180, 0.5));
        EvalRecord.record(model, "grounded, temperature 0.0", "tutor-dev-questions-2.tsv", summary(231, 0.25));
        EvalRecord.record(model, "grounded, temperature 0.0", EvalRecord.DEFAULT_SET, summary(180, 0.75));

        JsonNode evals = Json.MAPPER.readTree(Files.readString(model.resolve("training.json"))).get("tutor_eval");
        assertThat(evals.size()).isEqualTo(2);
        assertThat(evals.get("grounded, temperature 0.0").get("key_term_rate").asDouble()).isEqualTo(0.75);
        assertThat(evals.get("grounded, temperature 0.0, tutor-dev-questions-2.tsv").get("questions").asInt()).isEqualTo(231);

        String card = Files.readString(model.resolve("README.md"));
        assertThat(card).startsWith("# card\n\nText before.")
                .contains("| grounded, temperature 0.0 | `tutor-dev-questions.tsv` | 180 | 0.900 | 0.750 |")
                .contains("| grounded, temperature 0.0 | `tutor-dev-questions-2.tsv` | 231 | 0.900 | 0.250 |")
                .doesNotContain("| 0.500 |");
    }

    private static EvalSummary summary(int questions, double keyTerms) {
        return new EvalSummary("passages", questions, 0.9, keyTerms, 0.98, 0.98, 1.0, 100, 800, 1700);
    }
}
