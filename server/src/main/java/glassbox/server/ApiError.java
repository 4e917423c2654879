package glassbox.server;

/**
 * A client-visible error in the OpenAI shape {@code {"error":{"message","type","param","code"}}}.
 * Thrown anywhere in a handler; {@link GlassboxServer} turns it into the response.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Integer retryAfterSeconds;

    public ApiError(int status, String type, String message, String param, String code, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null, null);
    }

    public static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code, null);
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(404, "invalid_request_error", message, null, code, null);
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The response body. */
    public java.util.Map<String, Object> body() {
        java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("message", getMessage());
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return java.util.Map.of("error", e);
    }
}
