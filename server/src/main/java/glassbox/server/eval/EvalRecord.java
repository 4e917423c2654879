package glassbox.server.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import glassbox.server.Json;
import glassbox.server.ModelCardSection;

/**
 * Writes eval figures into a model directory: {@code training.json} gains
 * {@code tutor_eval.<label>}, and the model card's "Tutor answers" table is rewritten from all
 * recorded labels, so the card always shows what {@code ./scripts/eval --record} measured. A
 * label names the decoding, and the question set when it is not the default one, so figures on
 * several sets stand side by side.
 */
public final class EvalRecord {
    static final String BEGIN = "<!-- tutor-eval: written by ./scripts/eval --record -->";
    static final String END = "<!-- /tutor-eval -->";
    /** The set {@code ./scripts/eval} asks by default; its labels carry no set name (as recorded before there were others). */
    public static final String DEFAULT_SET = "tutor-dev-questions.tsv";

    private EvalRecord() {
    }

    /** The label figures are kept under: the decoding, plus the question set's file name unless it is {@link #DEFAULT_SET}. */
    public static String label(String decoding, String questionSet) {
        return questionSet.equals(DEFAULT_SET) ? decoding : decoding + ", " + questionSet;
    }

    public static void record(Path modelDir, String decoding, String questionSet, EvalSummary summary) throws IOException {
        Path report = modelDir.resolve("training.json");
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(Files.readString(report));
        ObjectNode evals = root.has("tutor_eval") ? (ObjectNode) root.get("tutor_eval") : root.putObject("tutor_eval");
        ObjectNode entry = Json.MAPPER.valueToTree(summary);
        entry.put("question_set", questionSet);
        entry.put("decoding", decoding);
        evals.set(label(decoding, questionSet), entry);
        Files.writeString(report, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));

        StringBuilder table = new StringBuilder("## Tutor answers (`./scripts/eval`)\n")
                .append("| decoding | question set | questions | cite@3 | key term | grounded | course 4-grams | clean stop | tokens | p50 / p99 ms |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = evals.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            table.append(String.format(Locale.ROOT, "| %s | `%s` | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %.0f / %.0f |%n",
                    s.path("decoding").asText(e.getKey()), s.path("question_set").asText(), s.path("questions").asInt(),
                    s.path("cite_at3").asDouble(), s.path("key_term_rate").asDouble(), s.path("grounded_share").asDouble(),
                    s.path("course_share").asDouble(), s.path("clean_stop_rate").asDouble(), s.path("mean_answer_tokens").asDouble(),
                    s.path("p50_millis").asDouble(), s.path("p99_millis").asDouble()));
        }
        table.append("\nQuestion sets: learner questions with expected lessons and key terms (`server/src/test/resources`). ")
                .append("`tutor-dev-questions-2.tsv` was written after the tutor's settings had been tuned on `")
                .append(DEFAULT_SET).append("`, so it shows how they carry over to new questions. ")
                .append("\"grounded\" = share of the answer's word 4-grams found in the cited sections.");
        new ModelCardSection(BEGIN, END).write(modelDir, table.toString());
    }
}
