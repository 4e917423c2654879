package glassbox.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

import io.javalin.http.Context;

/**
 * A request's body, read at most once and never past the limit, whatever its framing: a
 * {@code Content-Length} over the limit is refused unread, and a chunked body is refused as soon
 * as it passes the limit. Parse errors name what is wrong and where.
 */
public final class RequestBody {
    private static final String BYTES = "glassbox.body";
    private static final ObjectReader READER = Json.MAPPER.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestBody() {
    }

    /** Reads the body into the request (413 past {@code maxBytes}); the handlers then parse it with {@link #json}. */
    static void read(Context ctx, long maxBytes) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared + " bytes", maxBytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (out.size() + (long) n > maxBytes) {
                    throw tooLarge("over " + maxBytes + " bytes", maxBytes);
                }
                out.write(buf, 0, n);
            }
        }
        ctx.attribute(BYTES, out.toByteArray());
    }

    private static ApiError tooLarge(String size, long maxBytes) {
        return new ApiError(413, "invalid_request_error", "The request body is " + size + "; the limit is " + maxBytes + " bytes.",
                null, "request_too_large", null);
    }

    /** The body as a JSON object, or a 400 that says what is wrong and where. */
    public static JsonNode json(Context ctx) {
        byte[] bytes = ctx.attribute(BYTES);
        if (bytes == null || bytes.length == 0) {
            throw ApiError.invalid("The request body is empty; send a JSON object.", null, "invalid_json");
        }
        JsonNode node;
        try {
            node = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("The request body is not valid JSON: " + e.getOriginalMessage() + where(e.getLocation()) + ".", null,
                    "invalid_json");
        } catch (IOException e) {
            throw ApiError.invalid("The request body could not be read: " + e.getMessage() + ".", null, "invalid_json");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalid("The request body must be a JSON object, got " + (node == null ? "nothing" : kind(node)) + ".", null,
                    "invalid_json");
        }
        return node;
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? "" : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String kind(JsonNode n) {
        return n.isArray() ? "an array" : n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "null";
    }
}
