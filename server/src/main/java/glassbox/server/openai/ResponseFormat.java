package glassbox.server.openai;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.server.ApiError;

/**
 * A chat request's {@code response_format}: {@code text} (free), {@code json_object} (any JSON
 * object) or {@code json_schema} (a value valid for {@code json_schema.schema}). Both JSON kinds
 * are enforced token by token, not asked for politely.
 */
record ResponseFormat(Kind kind, String name, JsonNode schema, boolean strict) {
    enum Kind { TEXT, JSON_OBJECT, JSON_SCHEMA }

    static final ResponseFormat TEXT = new ResponseFormat(Kind.TEXT, null, null, false);
    static final String PARAM = "response_format";

    boolean json() {
        return kind != Kind.TEXT;
    }

    static ResponseFormat parse(JsonNode node) {
        if (node == null) {
            return TEXT;
        }
        if (!node.isObject()) {
            throw Fields.wrongType(PARAM, "an object", node);
        }
        Fields f = new Fields(node);
        String type = f.string("type", null);
        if (type == null) {
            throw ApiError.invalid("Missing required parameter: 'response_format.type'.", "response_format.type", "missing_required_parameter");
        }
        return switch (type) {
            case "text" -> TEXT;
            case "json_object" -> new ResponseFormat(Kind.JSON_OBJECT, null, null, false);
            case "json_schema" -> jsonSchema(f.node("json_schema"));
            default -> throw ApiError.invalid("Invalid value for 'response_format.type': expected \"text\", \"json_object\" or "
                    + "\"json_schema\", got '" + type + "'.", "response_format.type", "invalid_value");
        };
    }

    private static ResponseFormat jsonSchema(JsonNode node) {
        if (node == null) {
            throw ApiError.invalid("Missing required parameter: 'response_format.json_schema'.", "response_format.json_schema",
                    "missing_required_parameter");
        }
        if (!node.isObject()) {
            throw Fields.wrongType("response_format.json_schema", "an object", node);
        }
        Fields f = new Fields(node);
        String name = f.string("name", null);
        if (name == null || !ChatTools.NAME.matcher(name).matches()) {
            throw ApiError.invalid("'response_format.json_schema.name' must be 1 to 64 letters, digits, underscores or dashes, got "
                    + (name == null ? "none" : "'" + name + "'") + ".", "response_format.json_schema.name", "invalid_value");
        }
        boolean strict = f.bool("strict", false);
        f.string("description", null);
        JsonNode schema = f.node("schema");
        if (schema == null) {
            // OpenAI's default: any JSON object.
            return new ResponseFormat(Kind.JSON_OBJECT, name, null, strict);
        }
        if (!schema.isObject()) {
            throw Fields.wrongType("response_format.json_schema.schema", "an object (a JSON schema)", schema);
        }
        return new ResponseFormat(Kind.JSON_SCHEMA, name, schema, strict);
    }
}
