package glassbox.model.infer.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;

class JsonConstraintTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"},
             "tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3},"nick":{"type":["string","null"],"maxLength":5}},
             "required":["name","age","tags","nick"],"additionalProperties":false}""",
            """
            {"type":"object","properties":{"colour":{"enum":["red","green","blue"]},"score":{"type":"number"},
             "ok":{"type":"boolean"},"note":{"type":"string","minLength":2,"maxLength":8}},"required":["colour"]}""",
            """
            {"$defs":{"Step":{"type":"object","properties":{"n":{"type":"integer"},"what":{"const":"add"}},"required":["n","what"],
             "additionalProperties":false}},
             "type":"object","properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/Step"},"minItems":1,"maxItems":2}},
             "required":["steps"],"additionalProperties":false}""",
            """
            {"type":"array","items":{"anyOf":[{"type":"integer"},{"type":"string","maxLength":4},{"type":"null"}]},"maxItems":4}""",
            """
            {"type":"object","additionalProperties":{"type":"integer"},"maxProperties_is_not_here":null}""".replace(",\"maxProperties_is_not_here\":null", ""),
            """
            {"enum":[1,12,123,"x"]}""");

    static BpeTokenizer tokenizer;
    static int end;
    static int eos;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = BpeTokenizer.load(Path.of("../models/course-tiny"));
        end = tokenizer.id(SpecialToken.END);
        eos = tokenizer.id(SpecialToken.EOS);
    }

    /**
     * Draws tokens at random among the allowed ones until the constraint ends the output (or 300
     * steps pass); a third of the draws prefer tokens holding a closing byte, so values finish.
     */
    static String walk(Constraint c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 300; step++) {
            BitSet allowed = c.allowed();
            if (allowed.isEmpty()) {
                return out.toString(StandardCharsets.UTF_8);
            }
            int[] ids = allowed.stream().toArray();
            int[] closing = allowed.stream().filter(id -> !tokenizer.isSpecial(id) && closes(tokenizer.tokenBytes(id))).toArray();
            int id = random.nextInt(3) == 0 && closing.length > 0 ? closing[random.nextInt(closing.length)] : ids[random.nextInt(ids.length)];
            c.accept(id);
            if (id == end || id == eos) {
                return out.toString(StandardCharsets.UTF_8);
            }
            if (!tokenizer.isSpecial(id)) {
                out.writeBytes(tokenizer.tokenBytes(id));
            }
        }
        return null;   // unfinished
    }

    private static boolean whitespaceOutsideStrings(String text) {
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inString && ch == '\\') {
                i++;
            } else if (ch == '"') {
                inString = !inString;
            } else if (!inString && Character.isWhitespace(ch)) {
                return true;
            }
        }
        return false;
    }

    private static boolean closes(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '"' || b == '}' || b == ']') {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyFinishedOutputParsesAndMatchesItsSchema() throws Exception {
        for (String schemaText : SCHEMAS) {
            JsonNode schema = JSON.readTree(schemaText);
            SchemaValidator validator = new SchemaValidator(schema);
            int finished = 0;
            for (long seed = 1; seed <= 40; seed++) {
                String text = walk(JsonConstraint.of(JsonSchema.compile(schema), tokenizer), seed);
                if (text == null) {
                    continue;
                }
                finished++;
                JsonNode value = JSON.readTree(text);
                assertThat(validator.valid(value)).as("seed %d, schema %s: %s", seed, schemaText, text).isTrue();
                assertThat(whitespaceOutsideStrings(text)).as("compact JSON: %s", text).isFalse();
            }
            assertThat(finished).as("walks that finished for %s", schemaText).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void anObjectEndsTheOutputOnceClosedButANumberMayGoOn() throws Exception {
        JsonConstraint object = JsonConstraint.of(JsonSchema.anyObject(), tokenizer);
        feed(object, "{}");
        assertThat(object.complete()).isTrue();
        assertThat(object.allowed().isEmpty()).as("nothing may follow a closed object: the answer ends").isTrue();

        JsonConstraint number = JsonConstraint.of(JsonSchema.compile(JSON.readTree("{\"type\":\"integer\"}")), tokenizer);
        feed(number, "12");
        BitSet allowed = number.allowed();
        assertThat(allowed.get(end)).as("a complete number may end").isTrue();
        assertThat(allowed.get(single('3'))).as("or go on").isTrue();
        assertThat(allowed.get(single('.'))).as("but an integer has no point").isFalse();
    }

    @Test
    void keysComeInDeclaredOrderAndRequiredOnesCannotBeSkipped() throws Exception {
        JsonSchema schema = JsonSchema.compile(JSON.readTree("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},"c":{"type":"integer"}},"required":["b"]}"""));
        assertThat(accepts(schema, "{\"a\":1,\"b\":2,\"c\":3}")).isTrue();
        assertThat(accepts(schema, "{\"b\":2}")).isTrue();
        assertThat(accepts(schema, "{\"a\":1}")).as("b is required").isFalse();
        assertThat(accepts(schema, "{\"a\":1,\"c\":3}")).as("b cannot be skipped").isFalse();
        assertThat(accepts(schema, "{\"b\":2,\"d\":4}")).as("no undeclared keys").isFalse();
        assertThat(accepts(schema, "{\"b\":\"2\"}")).as("b is an integer").isFalse();
        assertThat(accepts(schema, "{ \"b\":2}")).as("compact: no whitespace").isFalse();
    }

    @Test
    void stringsAreValidJsonStringsWithinTheirLengths() throws Exception {
        JsonSchema schema = JsonSchema.compile(JSON.readTree("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}"));
        assertThat(accepts(schema, "\"ab\"")).isTrue();
        assertThat(accepts(schema, "\"a\\n\"")).as("an escape is one character").isTrue();
        assertThat(accepts(schema, "\"é\u00e8\"")).as("UTF-8 characters count once").isTrue();
        assertThat(accepts(schema, "\"a\"")).as("too short").isFalse();
        assertThat(accepts(schema, "\"abcd\"")).as("too long").isFalse();
        assertThat(accepts(schema, "\"a\tb\"")).as("raw control character").isFalse();
        assertThat(accepts(schema, "\"a\\qb\"")).as("unknown escape").isFalse();
    }

    @Test
    void stringsHoldOnlyWellFormedUtf8() throws Exception {
        JsonSchema schema = JsonSchema.compile(JSON.readTree("{\"type\":\"string\",\"maxLength\":3}"));
        assertThat(acceptsBytes(schema, 0xC3, 0xA9)).as("é").isTrue();
        assertThat(acceptsBytes(schema, 0xE2, 0x82, 0xAC)).as("€").isTrue();
        assertThat(acceptsBytes(schema, 0xED, 0x9F, 0xBF)).as("U+D7FF, just below the surrogates").isTrue();
        assertThat(acceptsBytes(schema, 0xF0, 0x9D, 0x84, 0x9E)).as("𝄞, four bytes").isTrue();
        assertThat(acceptsBytes(schema, 0xF4, 0x8F, 0xBF, 0xBF)).as("U+10FFFF").isTrue();
        assertThat(acceptsBytes(schema, 0xC0, 0xAF)).as("overlong two-byte form").isFalse();
        assertThat(acceptsBytes(schema, 0xE0, 0x80, 0xAF)).as("overlong three-byte form").isFalse();
        assertThat(acceptsBytes(schema, 0xED, 0xA0, 0x80)).as("a surrogate").isFalse();
        assertThat(acceptsBytes(schema, 0xF0, 0x80, 0x80, 0xAF)).as("overlong four-byte form").isFalse();
        assertThat(acceptsBytes(schema, 0xF4, 0x90, 0x80, 0x80)).as("past U+10FFFF").isFalse();
        assertThat(acceptsBytes(schema, 0xE2, 0x82)).as("a character cut short").isFalse();
        assertThat(acceptsBytes(schema, 0xA9)).as("a stray continuation byte").isFalse();
    }

    /** Whether {@code "…"} around these raw bytes is accepted. */
    private static boolean acceptsBytes(JsonSchema schema, int... inner) {
        byte[] bytes = new byte[inner.length + 2];
        bytes[0] = '"';
        bytes[bytes.length - 1] = '"';
        for (int i = 0; i < inner.length; i++) {
            bytes[i + 1] = (byte) inner[i];
        }
        JsonPrefix.Stack s = JsonPrefix.feed(JsonPrefix.start(schema.root), bytes);
        return s != null && JsonPrefix.complete(s);
    }

    @Test
    void stringsAndIntegersAlwaysClose() throws Exception {
        JsonSchema string = JsonSchema.compile(JSON.readTree("{\"type\":\"string\"}"));
        assertThat(accepts(string, "\"" + "a".repeat(JsonShape.DEFAULT_MAX_STRING) + "\"")).isTrue();
        assertThat(accepts(string, "\"" + "a".repeat(JsonShape.DEFAULT_MAX_STRING + 1) + "\"")).as("past the default cap").isFalse();
        JsonSchema longer = JsonSchema.compile(JSON.readTree("{\"type\":\"string\",\"maxLength\":500}"));
        assertThat(accepts(longer, "\"" + "a".repeat(500) + "\"")).as("an explicit maxLength wins").isTrue();
        JsonSchema integer = JsonSchema.compile(JSON.readTree("{\"type\":\"integer\"}"));
        assertThat(accepts(integer, "-123456789")).isTrue();
        assertThat(accepts(integer, "1234567890")).as("fits a 32-bit int").isFalse();
        JsonSchema number = JsonSchema.compile(JSON.readTree("{\"type\":\"number\"}"));
        assertThat(accepts(number, "123456789012345.5")).isTrue();
    }

    @Test
    void reusedAllowedSetsEqualFreshlyComputedOnes() throws Exception {
        JsonSchema schema = JsonSchema.compile(JSON.readTree("""
                {"type":"object","properties":{"a":{"type":"string","minLength":3,"maxLength":40},"b":{"type":"string"}},"required":["a","b"]}"""));
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            JsonConstraint c = JsonConstraint.of(schema, tokenizer);
            List<Integer> written = new java.util.ArrayList<>();
            for (int step = 0; step < 80; step++) {
                BitSet allowed = c.allowed();
                JsonConstraint fresh = JsonConstraint.of(schema, tokenizer);
                written.forEach(fresh::accept);
                assertThat(allowed).as("seed %d step %d", seed, step).isEqualTo(fresh.allowed());
                if (allowed.isEmpty()) {
                    break;
                }
                int[] ids = allowed.stream().toArray();
                int id = ids[random.nextInt(ids.length)];
                c.accept(id);
                written.add(id);
                if (id == end || id == eos) {
                    break;
                }
            }
        }
    }

    @Test
    void aRequiredToolCallStartsWithTheMarkerAndNamesAToolWithValidArguments() throws Exception {
        JsonNode weather = JSON.readTree("""
                {"type":"object","properties":{"city":{"type":"string","maxLength":10},"unit":{"enum":["c","f"]}},
                 "required":["city","unit"],"additionalProperties":false}""");
        JsonNode search = JSON.readTree("""
                {"type":"object","properties":{"query":{"type":"string","maxLength":20}},"required":["query"]}""");
        List<ToolSpec> tools = List.of(new ToolSpec("get_weather", JsonSchema.compile(weather)), new ToolSpec("search_course", JsonSchema.compile(search)));
        int marker = tokenizer.id(SpecialToken.TOOL_CALL);
        int finished = 0;
        for (long seed = 1; seed <= 30; seed++) {
            ToolCallConstraint call = ToolCallConstraint.of(tools, true, tokenizer);
            BitSet first = call.allowed();
            assertThat(first.cardinality()).isEqualTo(1);
            assertThat(first.get(marker)).isTrue();
            String text = walk(call, seed);
            if (text == null) {
                continue;
            }
            finished++;
            JsonNode value = JSON.readTree(text);
            assertThat(value.get("name").asText()).isIn("get_weather", "search_course");
            JsonNode schema = value.get("name").asText().equals("get_weather") ? weather : search;
            assertThat(new SchemaValidator(schema).valid(value.get("arguments"))).as(text).isTrue();
            assertThat(value.size()).as(text).isEqualTo(2);
        }
        assertThat(finished).isGreaterThanOrEqualTo(20);
    }

    @Test
    void underAutoTheModelWritesFreelyUntilItOpensACall() {
        ToolCallConstraint call = ToolCallConstraint.of(List.of(new ToolSpec("f", JsonSchema.anyObject())), false, tokenizer);
        assertThat(call.allowed().cardinality()).isEqualTo(tokenizer.vocabSize());
        call.accept(tokenizer.encode("Hello")[0]);
        assertThat(call.opened()).isFalse();
        call.accept(tokenizer.id(SpecialToken.TOOL_CALL));
        assertThat(call.opened()).isTrue();
        assertThat(call.allowed().get(single('{'))).isTrue();
        assertThat(call.allowed().get(single('H'))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "pattern:{\"type\":\"string\",\"pattern\":\"^a+$\"}",
            "format:{\"type\":\"string\",\"format\":\"date-time\"}",
            "minimum:{\"type\":\"integer\",\"minimum\":3}",
            "oneOf:{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
            "allOf:{\"allOf\":[{\"type\":\"string\"}]}",
            "anyOf:{\"anyOf\":[{\"type\":\"object\"},{\"type\":\"object\",\"properties\":{\"a\":{}}}]}",
            "$ref:{\"$ref\":\"https://example.com/schema.json\"}",
            "$ref:{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#\"}}}",
            "required:{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}",
            "uniqueItems:{\"type\":\"array\",\"uniqueItems\":true}",
            "maxProperties:{\"type\":\"object\",\"maxProperties\":2}",
            "type:{\"type\":\"text\"}"})
    void keywordsThatCannotBeEnforcedAreRefusedByName(String keywordAndSchema) throws Exception {
        int colon = keywordAndSchema.indexOf(':');
        String keyword = keywordAndSchema.substring(0, colon);
        JsonNode schema = JSON.readTree(keywordAndSchema.substring(colon + 1));
        assertThatThrownBy(() -> JsonSchema.compile(schema))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class, e -> assertThat(e.keyword()).isEqualTo(keyword));
    }

    @Test
    void annotationsAreIgnored() throws Exception {
        JsonSchema schema = JsonSchema.compile(JSON.readTree("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"d","type":"object",
                 "properties":{"a":{"type":"integer","description":"an a","default":1}},"required":["a"],"additionalProperties":false}"""));
        assertThat(accepts(schema, "{\"a\":7}")).isTrue();
    }

    private static boolean accepts(JsonSchema schema, String text) {
        JsonPrefix.Stack s = JsonPrefix.feed(JsonPrefix.start(schema.root), text.getBytes(StandardCharsets.UTF_8));
        return s != null && JsonPrefix.complete(s);
    }

    private static void feed(Constraint c, String text) {
        for (int id : tokenizer.encode(text)) {
            assertThat(c.allowed().get(id)).as("token %d of %s", id, text).isTrue();
            c.accept(id);
        }
    }

    private static int single(char ch) {
        int[] ids = tokenizer.encode(String.valueOf(ch));
        assertThat(ids).hasSize(1);
        return ids[0];
    }
}
