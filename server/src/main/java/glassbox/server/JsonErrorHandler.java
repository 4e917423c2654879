package glassbox.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Requests Jetty refuses before any route sees them (a NUL or an ambiguous escape in the path,
 * headers too large, a malformed request line) get the OpenAI error shape too, not an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String message = "The server could not read this HTTP request" + (reason == null || reason.isBlank() ? "" : ": " + reason) + ".";
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(Json.write(new ApiError(status, "invalid_request_error", message, null, "bad_http_request", null).body())
                .getBytes(StandardCharsets.UTF_8));
    }
}
