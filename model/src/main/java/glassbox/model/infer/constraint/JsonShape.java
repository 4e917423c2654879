package glassbox.model.infer.constraint;

import java.util.List;

/**
 * What a JSON value may look like, compiled from a JSON schema by {@link JsonSchema}: the few
 * shapes that {@link JsonPrefix} can check one byte at a time.
 */
sealed interface JsonShape {

    /** An object. Declared properties come in declared order (optional ones may be left out); other keys only when {@code otherValues} is set. */
    record ObjectShape(List<Property> properties, JsonShape otherValues) implements JsonShape {
    }

    record Property(String name, JsonShape shape, boolean required) {
    }

    record ArrayShape(JsonShape items, int minItems, int maxItems) implements JsonShape {
    }

    /** A string of {@code minLength..maxLength} characters. */
    record StringShape(int minLength, int maxLength) implements JsonShape {
    }

    record NumberShape(boolean integer) implements JsonShape {
    }

    /** One of a fixed list of values, each as compact JSON text ({@code true}, {@code null}, {@code "red"}, {@code 3}). */
    record LiteralShape(List<String> texts) implements JsonShape {
    }

    /** One of several shapes that start with different bytes, so the first byte picks one. */
    record UnionShape(List<JsonShape> options) implements JsonShape {
    }

    /** Any JSON value (an object with any keys, an array of anything, ...). */
    record AnyShape() implements JsonShape {
    }

    /** A tool call: {@code {"name":"<one of the tools>","arguments":<that tool's parameters>}}. */
    record ToolCallShape(List<ToolSpec> tools) implements JsonShape {
    }

    /**
     * The longest string written when the schema gives no {@code maxLength}: a 6 M-parameter model
     * rarely closes a string by itself, and a closed string is still valid JSON, where one cut by
     * {@code max_tokens} is not.
     */
    int DEFAULT_MAX_STRING = 200;

    AnyShape ANY = new AnyShape();
    LiteralShape BOOLEAN = new LiteralShape(List.of("true", "false"));
    LiteralShape NULL = new LiteralShape(List.of("null"));
    StringShape STRING = new StringShape(0, DEFAULT_MAX_STRING);
    NumberShape NUMBER = new NumberShape(false);
    ObjectShape ANY_OBJECT = new ObjectShape(List.of(), ANY);
    ArrayShape ANY_ARRAY = new ArrayShape(ANY, 0, Integer.MAX_VALUE);
}
