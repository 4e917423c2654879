package glassbox.server;

import io.javalin.http.Context;

/**
 * Headers every response carries. The pages load scripts, styles and fonts from this server only
 * and may not be framed; inline style attributes stay allowed (the pages' bars and heatmaps and
 * KaTeX set them), inline scripts and eval do not.
 */
final class SecurityHeaders {
    static final String CSP = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private SecurityHeaders() {
    }

    static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
