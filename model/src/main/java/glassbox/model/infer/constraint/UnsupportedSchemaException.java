package glassbox.model.infer.constraint;

/**
 * A JSON schema uses a keyword that decoding cannot enforce (or uses one wrongly). The API turns it
 * into a 400 naming {@link #keyword()}: a schema is never silently half-applied.
 */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    private final String keyword;
    private final String path;

    public UnsupportedSchemaException(String keyword, String path, String message) {
        super(message + " (at " + path + ")");
        this.keyword = keyword;
        this.path = path;
    }

    /** The schema keyword at fault, e.g. {@code pattern}. */
    public String keyword() {
        return keyword;
    }

    /** Where in the schema, as a JSON pointer ({@code #/properties/name}). */
    public String path() {
        return path;
    }
}
