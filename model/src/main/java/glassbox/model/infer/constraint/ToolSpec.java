package glassbox.model.infer.constraint;

/** A function the model may call: its name and the schema its arguments must match. */
public record ToolSpec(String name, JsonSchema parameters) {
    public ToolSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        if (parameters == null) {
            throw new IllegalArgumentException("a tool needs a parameters schema");
        }
    }
}
