package glassbox.model.infer.constraint;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.constraint.JsonShape.ArrayShape;
import glassbox.model.infer.constraint.JsonShape.LiteralShape;
import glassbox.model.infer.constraint.JsonShape.NumberShape;
import glassbox.model.infer.constraint.JsonShape.ObjectShape;
import glassbox.model.infer.constraint.JsonShape.Property;
import glassbox.model.infer.constraint.JsonShape.StringShape;
import glassbox.model.infer.constraint.JsonShape.UnionShape;

/**
 * A JSON schema compiled to what decoding can enforce byte by byte. Supported: {@code type}
 * (object, array, string, number, integer, boolean, null, or a list of them), {@code properties},
 * {@code required}, {@code additionalProperties}, {@code items}, {@code minItems}/{@code maxItems},
 * {@code minLength}/{@code maxLength}, {@code enum}, {@code const}, {@code anyOf} whose options
 * start differently, and {@code $ref} into {@code $defs}/{@code definitions}. Annotations
 * ({@code title}, {@code description}, {@code default}, ...) are ignored; any other keyword is
 * refused with an {@link UnsupportedSchemaException}, never silently dropped.
 *
 * <p>What is generated is a subset of what the schema accepts: objects carry their declared
 * properties in declared order and no others, JSON is written compactly (no whitespace), a
 * string without {@code maxLength} ends within {@value JsonShape#DEFAULT_MAX_STRING} characters, and
 * numbers have bounded digits (see {@link JsonPrefix}), so that a tiny model's output always closes.
 */
public final class JsonSchema {
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema", "$id",
            "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> ENFORCED = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "$ref");
    private static final int MAX_REF_DEPTH = 8;

    final JsonShape root;

    private JsonSchema(JsonShape root) {
        this.root = root;
    }

    /** {@code response_format: {"type": "json_object"}}: any JSON object. */
    public static JsonSchema anyObject() {
        return new JsonSchema(JsonShape.ANY_OBJECT);
    }

    /** @throws UnsupportedSchemaException naming the first keyword that cannot be enforced */
    public static JsonSchema compile(JsonNode schema) {
        return new JsonSchema(new Compiler(schema).shape(schema, "#", 0));
    }

    private record Compiler(JsonNode document) {

        JsonShape shape(JsonNode s, String path, int refDepth) {
            if (s == null || s.isBoolean() && s.asBoolean()) {
                return JsonShape.ANY;
            }
            if (!s.isObject()) {
                throw new UnsupportedSchemaException("type", path, "a schema must be an object (or true)");
            }
            for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
                String keyword = it.next();
                if (!ANNOTATIONS.contains(keyword) && !ENFORCED.contains(keyword) && !harmless(keyword, s.get(keyword))) {
                    throw new UnsupportedSchemaException(keyword, path, "the keyword '" + keyword + "' cannot be enforced while decoding");
                }
            }
            if (s.has("$ref")) {
                return ref(s, path, refDepth);
            }
            if (s.has("const")) {
                return new LiteralShape(List.of(compact(s.get("const"))));
            }
            if (s.has("enum")) {
                JsonNode values = s.get("enum");
                if (!values.isArray() || values.isEmpty()) {
                    throw new UnsupportedSchemaException("enum", path, "'enum' must be a non-empty array");
                }
                List<String> texts = new ArrayList<>();
                values.forEach(v -> texts.add(compact(v)));
                return new LiteralShape(texts);
            }
            if (s.has("anyOf")) {
                JsonNode options = s.get("anyOf");
                if (!options.isArray() || options.isEmpty()) {
                    throw new UnsupportedSchemaException("anyOf", path, "'anyOf' must be a non-empty array");
                }
                List<JsonShape> shapes = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    shapes.add(shape(options.get(i), path + "/anyOf/" + i, refDepth));
                }
                return union(shapes, "anyOf", path);
            }
            JsonNode type = s.get("type");
            if (type == null) {
                if (s.has("properties") || s.has("required") || s.has("additionalProperties")) {
                    return object(s, path, refDepth);
                }
                if (s.has("items") || s.has("minItems") || s.has("maxItems")) {
                    return array(s, path, refDepth);
                }
                if (s.has("minLength") || s.has("maxLength")) {
                    return string(s, path);
                }
                return JsonShape.ANY;
            }
            if (type.isTextual()) {
                return typed(type.asText(), s, path, refDepth);
            }
            if (type.isArray() && !type.isEmpty()) {
                List<JsonShape> shapes = new ArrayList<>();
                Set<String> names = new HashSet<>();
                type.forEach(t -> names.add(t.asText()));
                for (JsonNode t : type) {
                    if (!t.isTextual()) {
                        throw new UnsupportedSchemaException("type", path, "'type' must name JSON types");
                    }
                    if (t.asText().equals("integer") && names.contains("number")) {
                        continue;   // every integer is a number
                    }
                    shapes.add(typed(t.asText(), s, path, refDepth));
                }
                return union(shapes, "type", path);
            }
            throw new UnsupportedSchemaException("type", path, "'type' must be a string or an array of strings");
        }

        /** Keywords that assert nothing here: {@code uniqueItems: false}, {@code additionalItems} absent, {@code nullable: false}. */
        private static boolean harmless(String keyword, JsonNode value) {
            return (keyword.equals("uniqueItems") || keyword.equals("nullable")) && value.isBoolean() && !value.asBoolean();
        }

        private JsonShape typed(String type, JsonNode s, String path, int refDepth) {
            return switch (type) {
                case "object" -> object(s, path, refDepth);
                case "array" -> array(s, path, refDepth);
                case "string" -> string(s, path);
                case "number" -> JsonShape.NUMBER;
                case "integer" -> new NumberShape(true);
                case "boolean" -> JsonShape.BOOLEAN;
                case "null" -> JsonShape.NULL;
                default -> throw new UnsupportedSchemaException("type", path, "unknown type '" + type + "'");
            };
        }

        private JsonShape ref(JsonNode s, String path, int refDepth) {
            String ref = s.get("$ref").asText();
            String name;
            JsonNode target;
            if (ref.startsWith("#/$defs/")) {
                name = ref.substring("#/$defs/".length());
                target = document.path("$defs").get(name);
            } else if (ref.startsWith("#/definitions/")) {
                name = ref.substring("#/definitions/".length());
                target = document.path("definitions").get(name);
            } else if (ref.equals("#")) {
                name = "#";
                target = document;
            } else {
                throw new UnsupportedSchemaException("$ref", path, "only references into '#/$defs/' or '#/definitions/' are supported, not '" + ref + "'");
            }
            if (target == null) {
                throw new UnsupportedSchemaException("$ref", path, "'" + ref + "' does not exist");
            }
            if (refDepth >= MAX_REF_DEPTH) {
                throw new UnsupportedSchemaException("$ref", path, "references nest deeper than " + MAX_REF_DEPTH + " (a recursive schema?)");
            }
            return shape(target, ref, refDepth + 1);
        }

        private JsonShape object(JsonNode s, String path, int refDepth) {
            JsonNode props = s.path("properties");
            Set<String> required = new HashSet<>();
            if (s.has("required")) {
                if (!s.get("required").isArray()) {
                    throw new UnsupportedSchemaException("required", path, "'required' must be an array of property names");
                }
                s.get("required").forEach(r -> required.add(r.asText()));
            }
            List<Property> properties = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                properties.add(new Property(p.getKey(), shape(p.getValue(), path + "/properties/" + p.getKey(), refDepth),
                        required.contains(p.getKey())));
            }
            for (String r : required) {
                if (!props.has(r)) {
                    throw new UnsupportedSchemaException("required", path, "the required property '" + r + "' is not among 'properties'");
                }
            }
            JsonNode additional = s.get("additionalProperties");
            JsonShape others = null;
            if (properties.isEmpty() && (additional == null || !additional.isBoolean() || additional.asBoolean())) {
                others = additional == null || additional.isBoolean() ? JsonShape.ANY : shape(additional, path + "/additionalProperties", refDepth);
            }
            return new ObjectShape(List.copyOf(properties), others);
        }

        private JsonShape array(JsonNode s, String path, int refDepth) {
            JsonShape items = s.has("items") ? shape(s.get("items"), path + "/items", refDepth) : JsonShape.ANY;
            int min = count(s, "minItems", 0, path);
            int max = count(s, "maxItems", Integer.MAX_VALUE, path);
            if (min > max) {
                throw new UnsupportedSchemaException("minItems", path, "'minItems' is above 'maxItems'");
            }
            return new ArrayShape(items, min, max);
        }

        private JsonShape string(JsonNode s, String path) {
            int min = count(s, "minLength", 0, path);
            int max = s.has("maxLength") ? count(s, "maxLength", 0, path) : Math.max(min, JsonShape.DEFAULT_MAX_STRING);
            if (min > max) {
                throw new UnsupportedSchemaException("minLength", path, "'minLength' is above 'maxLength'");
            }
            return new StringShape(min, max);
        }

        private static int count(JsonNode s, String keyword, int absent, String path) {
            JsonNode n = s.get(keyword);
            if (n == null) {
                return absent;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
                throw new UnsupportedSchemaException(keyword, path, "'" + keyword + "' must be a non-negative integer");
            }
            return n.asInt();
        }

        /** Options must start with different bytes, so that the first byte decides which one is being written. */
        private static JsonShape union(List<JsonShape> shapes, String keyword, String path) {
            if (shapes.size() == 1) {
                return shapes.get(0);
            }
            BitSet seen = new BitSet(256);
            for (JsonShape shape : shapes) {
                BitSet first = JsonPrefix.firstBytes(shape);
                if (first.intersects(seen)) {
                    throw new UnsupportedSchemaException(keyword, path,
                            "options that can start alike (two objects, two strings, ...) cannot be told apart while decoding");
                }
                seen.or(first);
            }
            return new UnionShape(List.copyOf(shapes));
        }

        private static String compact(JsonNode value) {
            return value.toString();   // Jackson writes JSON without whitespace
        }
    }
}
