package glassbox.server.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.ApiError;

/**
 * Typed reads of a request body's fields. A wrong type or an out-of-range value is a 400 that
 * names the field, as the OpenAI API does; an absent or null field gives the default.
 */
final class Fields {
    private final JsonNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid("The request body must be a JSON object.", null);
        }
        this.body = body;
    }

    JsonNode node(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return node(name) != null;
    }

    String string(String name, String def) {
        JsonNode n = node(name);
        if (n == null) {
            return def;
        }
        if (!n.isTextual()) {
            throw wrongType(name, "a string", n);
        }
        return n.asText();
    }

    boolean bool(String name, boolean def) {
        JsonNode n = node(name);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw wrongType(name, "a boolean", n);
        }
        return n.asBoolean();
    }

    double number(String name, double def, double min, double max) {
        JsonNode n = node(name);
        if (n == null) {
            return def;
        }
        if (!n.isNumber()) {
            throw wrongType(name, "a number", n);
        }
        double v = n.asDouble();
        if (!(v >= min && v <= max)) {
            throw ApiError.invalid("'" + name + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + n + ".", name);
        }
        return v;
    }

    Integer integer(String name, Integer def, long min, long max) {
        JsonNode n = node(name);
        if (n == null) {
            return def;
        }
        if (!n.isIntegralNumber()) {
            throw wrongType(name, "an integer", n);
        }
        long v = n.asLong();
        if (v < min || v > max || !n.canConvertToLong()) {
            throw ApiError.invalid("'" + name + "' must be between " + min + " and " + max + ", got " + n + ".", name);
        }
        return (int) v;
    }

    Long longValue(String name) {
        JsonNode n = node(name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw wrongType(name, "an integer", n);
        }
        return n.asLong();
    }

    /** A string or a list of strings (OpenAI's {@code stop}). */
    List<String> stringOrList(String name, int maxItems) {
        JsonNode n = node(name);
        if (n == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw wrongType(name, "a string or an array of strings", n);
                }
                out.add(e.asText());
            }
        } else {
            throw wrongType(name, "a string or an array of strings", n);
        }
        if (out.size() > maxItems) {
            throw ApiError.invalid("'" + name + "' may hold at most " + maxItems + " items, got " + out.size() + ".", name);
        }
        return out;
    }

    static ApiError wrongType(String name, String expected, JsonNode got) {
        return ApiError.invalid("Invalid type for '" + name + "': expected " + expected + ", but got " + kind(got) + ".", name,
                "invalid_type");
    }

    static String kind(JsonNode n) {
        return n.isTextual() ? "a string" : n.isBoolean() ? "a boolean" : n.isNumber() ? "a number" : n.isArray() ? "an array"
                : n.isObject() ? "an object" : "null";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
