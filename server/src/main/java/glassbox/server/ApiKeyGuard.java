package glassbox.server;

import java.security.MessageDigest;

/**
 * The {@code --api-key} check. With a key, every {@code /v1/} endpoint and every {@code /api/}
 * endpoint except the course's public reading ({@code GET /api/lessons…}, {@code /api/search},
 * {@code /api/model}) needs {@code Authorization: Bearer KEY}: what runs the model, tokenizes or
 * shows someone's prompt (a trace) is the key holder's. Keys are compared in constant time.
 */
final class ApiKeyGuard {
    private final byte[] keyDigest;

    /** @param key the key, or null for an open server */
    ApiKeyGuard(String key) {
        this.keyDigest = key == null ? null : Sha256.of(key);
    }

    static boolean isProtected(String method, String path) {
        if (method.equals("OPTIONS")) {
            return false;   // CORS preflights carry no credentials
        }
        if (path.startsWith("/v1/")) {
            return true;
        }
        if (!path.startsWith("/api/")) {
            return false;
        }
        boolean publicRead = method.equals("GET") && (path.equals("/api/lessons") || path.startsWith("/api/lessons/")
                || path.equals("/api/search") || path.equals("/api/model"));
        return !publicRead;
    }

    /** Null if the request may go on, else the 401. */
    ApiError check(String method, String path, String authorization) {
        if (keyDigest == null || !isProtected(method, path)) {
            return null;
        }
        if (authorization == null) {
            return unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        String given = authorization.startsWith("Bearer ") ? authorization.substring("Bearer ".length()) : "";
        // Digests have one length, so isEqual's time depends on neither the key's length nor its content.
        if (!MessageDigest.isEqual(keyDigest, Sha256.of(given))) {
            return unauthorized("Incorrect API key provided.");
        }
        return null;
    }

    private static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", message, null, "invalid_api_key", null);
    }
}
