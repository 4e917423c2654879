package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.Http;
import glassbox.server.Json;
import glassbox.server.TestServer;

/**
 * Property: whatever the seed (temperature 1.0, so the model's own preferences barely help), every
 * answer of {@code /v1/chat/completions} under a {@code json_schema} response format, and every
 * tool call's arguments, parse and validate against their schema (an independent validator below,
 * not the constraint's own code). The schemas are bounded, so every answer also finishes.
 * The run's base seed is random unless {@code -Dconstrained.seed=N}; a failure names it.
 */
class ConstrainedOutputPropertyTest {
    static final long SEED = Long.getLong("constrained.seed", new SplittableRandom().nextLong());
    static final int SEEDS_PER_SCHEMA = 3;
    static final int N = 4;

    static final List<String> SCHEMAS = List.of(
            // flat object, every scalar type
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":16},\"count\":{\"type\":\"integer\"},"
                    + "\"score\":{\"type\":\"number\"},\"ok\":{\"type\":\"boolean\"},\"none\":{\"type\":\"null\"}},"
                    + "\"required\":[\"name\",\"count\",\"score\",\"ok\",\"none\"],\"additionalProperties\":false}",
            // arrays of enums with bounds
            "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"attention\",\"softmax\",\"loss\"]},"
                    + "\"minItems\":1,\"maxItems\":3}},\"required\":[\"tags\"],\"additionalProperties\":false}",
            // type arrays (LangChain4j's nullable fields), nesting and $defs/$ref
            "{\"type\":\"object\",\"$defs\":{\"lesson\":{\"type\":\"object\",\"properties\":{\"title\":{\"type\":[\"string\",\"null\"],"
                    + "\"maxLength\":12},\"number\":{\"type\":[\"integer\",\"null\"]}},\"required\":[\"title\",\"number\"],"
                    + "\"additionalProperties\":false}},\"properties\":{\"first\":{\"$ref\":\"#/$defs/lesson\"},"
                    + "\"rest\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/lesson\"},\"maxItems\":2}},\"required\":[\"first\",\"rest\"],"
                    + "\"additionalProperties\":false}",
            // const, anyOf, a string with both bounds
            "{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"card\"},\"value\":{\"anyOf\":[{\"type\":\"integer\"},"
                    + "{\"type\":\"string\",\"maxLength\":8}]},\"code\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":4}},"
                    + "\"required\":[\"kind\",\"value\",\"code\"],\"additionalProperties\":false}",
            // a top-level array
            "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":4}");

    static final String TOOL_PARAMETERS = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":20},"
            + "\"limit\":{\"type\":[\"integer\",\"null\"]},\"lesson\":{\"enum\":[\"attention\",\"softmax\"]}},"
            + "\"required\":[\"query\",\"limit\",\"lesson\"],\"additionalProperties\":false}";

    @Test
    void everyJsonSchemaAnswerParsesAndValidates() throws Exception {
        int checked = 0;
        for (int s = 0; s < SCHEMAS.size(); s++) {
            JsonNode schema = Json.MAPPER.readTree(SCHEMAS.get(s));
            for (int k = 0; k < SEEDS_PER_SCHEMA; k++) {
                long seed = SEED + 1000L * s + k;
                String model = k % 2 == 0 ? "course-tiny" : OpenAiApi.TUTOR;
                JsonNode r = post(model, seed, "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s" + s
                        + "\",\"strict\":true,\"schema\":" + SCHEMAS.get(s) + "}}");
                for (JsonNode choice : r.get("choices")) {
                    String where = "base seed " + SEED + ", schema " + s + ", seed " + seed + ", " + model + ": " + choice;
                    assertThat(choice.get("finish_reason").asText()).as(where).isEqualTo("stop");
                    JsonNode value = Json.MAPPER.readTree(choice.at("/message/content").asText());
                    assertThat(compact(choice.at("/message/content").asText())).as(where).isTrue();
                    assertThat(violations(value, schema, schema, "$")).as(where).isEmpty();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(SCHEMAS.size() * SEEDS_PER_SCHEMA * N);
    }

    @Test
    void everyForcedToolCallsArgumentsValidate() throws Exception {
        JsonNode parameters = Json.MAPPER.readTree(TOOL_PARAMETERS);
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search_course\",\"parameters\":" + TOOL_PARAMETERS + "}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"now\"}}],\"tool_choice\":\"required\"";
        for (int k = 0; k < 2 * SEEDS_PER_SCHEMA; k++) {
            long seed = SEED + 7000L + k;
            JsonNode r = post(k % 2 == 0 ? "course-tiny" : OpenAiApi.TUTOR, seed, tools);
            for (JsonNode choice : r.get("choices")) {
                String where = "base seed " + SEED + ", seed " + seed + ": " + choice;
                assertThat(choice.get("finish_reason").asText()).as(where).isEqualTo("tool_calls");
                JsonNode call = choice.at("/message/tool_calls/0/function");
                JsonNode args = Json.MAPPER.readTree(call.get("arguments").asText());
                String name = call.get("name").asText();
                assertThat(name).as(where).isIn("search_course", "now");
                // "now" has no parameters: its arguments are the empty object
                JsonNode schema = name.equals("now") ? Json.MAPPER.readTree("{\"type\":\"object\",\"additionalProperties\":false}") : parameters;
                assertThat(violations(args, schema, schema, "$")).as(where).isEmpty();
            }
        }
    }

    static JsonNode post(String model, long seed, String extra) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"seed\":" + seed + ",\"temperature\":1.0,\"n\":" + N + ",\"max_tokens\":150,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Describe attention.\"}]," + extra + "}";
        var r = Http.post(TestServer.url() + "/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    /** A small JSON-schema validator for the keywords used above; the list of what breaks the schema (empty: valid). */
    static List<String> violations(JsonNode v, JsonNode schema, JsonNode root, String at) {
        List<String> out = new ArrayList<>();
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/$defs/".length());
            return violations(v, root.get("$defs").get(name), root, at);
        }
        if (schema.has("const") && !schema.get("const").equals(v)) {
            out.add(at + " is not the const");
        }
        if (schema.has("enum") && !contains(schema.get("enum"), v)) {
            out.add(at + " is not in the enum");
        }
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode option : schema.get("anyOf")) {
                any |= violations(v, option, root, at).isEmpty();
            }
            if (!any) {
                out.add(at + " matches no anyOf option");
            }
        }
        if (schema.has("type")) {
            JsonNode t = schema.get("type");
            boolean typed = false;
            for (JsonNode one : t.isArray() ? t : List.of(t)) {
                typed |= hasType(v, one.asText());
            }
            if (!typed) {
                return List.of(at + " has the wrong type for " + t);
            }
        }
        if (v.isTextual()) {
            int length = v.asText().codePointCount(0, v.asText().length());
            if (length > schema.path("maxLength").asInt(Integer.MAX_VALUE) || length < schema.path("minLength").asInt(0)) {
                out.add(at + " has length " + length);
            }
        }
        if (v.isArray()) {
            if (v.size() > schema.path("maxItems").asInt(Integer.MAX_VALUE) || v.size() < schema.path("minItems").asInt(0)) {
                out.add(at + " has " + v.size() + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    out.addAll(violations(v.get(i), schema.get("items"), root, at + "[" + i + "]"));
                }
            }
        }
        if (v.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText())) {
                    out.add(at + " lacks " + r.asText());
                }
            }
            JsonNode props = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (props.has(e.getKey())) {
                    out.addAll(violations(e.getValue(), props.get(e.getKey()), root, at + "." + e.getKey()));
                } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    out.add(at + " has the extra property " + e.getKey());
                }
            }
        }
        return out;
    }

    /** No whitespace between tokens: outside strings, none at all. */
    static boolean compact(String json) {
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (!inString && Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble());
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }

    private static boolean contains(JsonNode values, JsonNode v) {
        for (JsonNode e : values) {
            if (e.equals(v)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theValidatorCatchesWhatItChecks() throws Exception {
        JsonNode schema = Json.MAPPER.readTree(SCHEMAS.get(2));
        assertThat(violations(Json.MAPPER.readTree("{\"first\":{\"title\":null,\"number\":3},\"rest\":[]}"), schema, schema, "$")).isEmpty();
        for (String bad : List.of("{\"first\":{\"title\":1,\"number\":3},\"rest\":[]}", "{\"first\":{\"title\":\"x\"},\"rest\":[]}",
                "{\"first\":{\"title\":\"much too long a title\",\"number\":3},\"rest\":[]}", "{\"first\":{\"title\":\"x\",\"number\":1},\"rest\":[],\"x\":1}",
                "{\"first\":{\"title\":\"x\",\"number\":1.5},\"rest\":[]}", "[]")) {
            assertThat(violations(Json.MAPPER.readTree(bad), schema, schema, "$")).as(bad).isNotEmpty();
        }
        assertThat(compact("{\"a b\":\"x\\\" y\",\"c\":[1,2]}")).isTrue();
        assertThat(compact("{\"a\": 1}")).isFalse();
        JsonNode s3 = Json.MAPPER.readTree(SCHEMAS.get(3));
        assertThat(violations(Json.MAPPER.readTree("{\"kind\":\"card\",\"value\":true,\"code\":\"ab\"}"), s3, s3, "$")).isNotEmpty();
        assertThat(violations(Json.MAPPER.readTree("{\"kind\":\"deck\",\"value\":1,\"code\":\"ab\"}"), s3, s3, "$")).isNotEmpty();
    }
}
