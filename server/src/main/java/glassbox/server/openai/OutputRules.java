package glassbox.server.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import glassbox.model.infer.constraint.Constraint;
import glassbox.model.infer.constraint.JsonConstraint;
import glassbox.model.infer.constraint.JsonSchema;
import glassbox.model.infer.constraint.ToolCallConstraint;
import glassbox.model.infer.constraint.ToolSpec;
import glassbox.model.infer.constraint.UnsupportedSchemaException;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.server.ApiError;

/**
 * What a chat request's {@code response_format} and {@code tools} make of decoding: free text, one
 * JSON value for a schema, or a tool call (forced, or allowed after free text with {@code auto}).
 * Every schema is compiled when the request arrives, so a keyword decoding cannot enforce is a 400
 * before any token is generated.
 */
record OutputRules(Kind kind, JsonSchema schema, List<ToolSpec> tools, boolean callRequired) {
    enum Kind {
        FREE, JSON, TOOL_CALL;

        /** The name the trace and the inspector use. */
        String traceName() {
            return switch (this) {
                case FREE -> null;
                case JSON -> "json";
                case TOOL_CALL -> "tool_call";
            };
        }
    }

    static final OutputRules FREE = new OutputRules(Kind.FREE, null, List.of(), false);

    static OutputRules of(ResponseFormat format, ChatTools tools) {
        List<ToolSpec> specs = new ArrayList<>();
        for (int i = 0; i < tools.tools().size(); i++) {
            ChatTools.Function fn = tools.tools().get(i);
            JsonSchema parameters = compile(fn.parameters(), "tools[" + i + "].function.parameters");
            if (tools.callable().contains(fn)) {
                specs.add(new ToolSpec(fn.name(), parameters));
            }
        }
        JsonSchema schema = switch (format.kind()) {
            case TEXT -> null;
            case JSON_OBJECT -> JsonSchema.anyObject();
            case JSON_SCHEMA -> compile(format.schema(), ResponseFormat.PARAM);
        };
        if (tools.forced()) {
            return new OutputRules(Kind.TOOL_CALL, null, specs, true);
        }
        if (schema != null) {
            return new OutputRules(Kind.JSON, schema, List.of(), false);
        }
        if (!specs.isEmpty()) {
            return new OutputRules(Kind.TOOL_CALL, null, specs, false);
        }
        return FREE;
    }

    private static JsonSchema compile(com.fasterxml.jackson.databind.JsonNode schema, String param) {
        try {
            return JsonSchema.compile(schema);
        } catch (UnsupportedSchemaException e) {
            throw ApiError.invalid("The schema in '" + param + "' uses '" + e.keyword() + "', which constrained decoding cannot enforce: "
                    + e.getMessage() + ". Supported: type, properties, required, additionalProperties, items, minItems, maxItems, "
                    + "minLength, maxLength, enum, const, anyOf, $ref into $defs.", param, "unsupported_schema");
        }
    }

    /** Whether the answer must take this shape whatever the model prefers (then it replaces the tutor's grounding). */
    boolean forced() {
        return kind == Kind.JSON || kind == Kind.TOOL_CALL && callRequired;
    }

    /** A fresh constraint per generation, or null for free text. */
    Supplier<Constraint> constraint(BpeTokenizer tokenizer) {
        return switch (kind) {
            case FREE -> null;
            case JSON -> () -> JsonConstraint.of(schema, tokenizer);
            case TOOL_CALL -> () -> ToolCallConstraint.of(tools, callRequired, tokenizer);
        };
    }
}
