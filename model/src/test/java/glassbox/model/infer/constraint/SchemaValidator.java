package glassbox.model.infer.constraint;

import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A second, independent reading of the JSON-schema keywords the constraint supports, over parsed
 * values (not bytes): what the tests check generated outputs against.
 */
final class SchemaValidator {
    private final JsonNode root;

    SchemaValidator(JsonNode root) {
        this.root = root;
    }

    boolean valid(JsonNode value) {
        return valid(value, root);
    }

    private boolean valid(JsonNode v, JsonNode s) {
        if (s == null || s.isBoolean()) {
            return s == null || s.asBoolean();
        }
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            JsonNode target = ref.equals("#") ? root : root.at(ref.substring(1));
            return valid(v, target);
        }
        if (s.has("const") && !s.get("const").equals(v)) {
            return false;
        }
        if (s.has("enum")) {
            boolean any = false;
            for (JsonNode e : s.get("enum")) {
                any |= e.equals(v);
            }
            if (!any) {
                return false;
            }
        }
        if (s.has("anyOf")) {
            boolean any = false;
            for (JsonNode option : s.get("anyOf")) {
                any |= valid(v, option);
            }
            if (!any) {
                return false;
            }
        }
        JsonNode type = s.get("type");
        if (type != null) {
            boolean any = false;
            if (type.isArray()) {
                for (JsonNode t : type) {
                    any |= hasType(v, t.asText());
                }
            } else {
                any = hasType(v, type.asText());
            }
            if (!any) {
                return false;
            }
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    return false;
                }
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (props.has(key)) {
                    if (!valid(v.get(key), props.get(key))) {
                        return false;
                    }
                } else if (s.has("additionalProperties") && !valid(v.get(key), s.get("additionalProperties"))) {
                    return false;
                }
            }
        }
        if (v.isArray()) {
            if (v.size() < s.path("minItems").asInt(0) || v.size() > s.path("maxItems").asInt(Integer.MAX_VALUE)) {
                return false;
            }
            for (JsonNode item : v) {
                if (s.has("items") && !valid(item, s.get("items"))) {
                    return false;
                }
            }
        }
        if (v.isTextual()) {
            int length = v.asText().codePointCount(0, v.asText().length());
            return length >= s.path("minLength").asInt(0) && length <= s.path("maxLength").asInt(Integer.MAX_VALUE);
        }
        return true;
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }
}
