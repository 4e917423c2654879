package glassbox.server;

import java.util.UUID;

import io.javalin.http.Context;

/**
 * The {@code gb_session} cookie: a random name for one browser, set once on its first page view
 * and sent back with every request, so a load balancer can hash it and keep a learner's
 * conversation on the replica that holds its KV cache (see deploy/). It identifies nobody and
 * authorises nothing; the server itself never reads it.
 */
final class AffinityCookie {
    static final String NAME = "gb_session";
    private static final int ONE_YEAR_SECONDS = 365 * 24 * 3600;

    private AffinityCookie() {
    }

    /** Sets the cookie on a page response when the request did not carry one. */
    static void ensure(Context ctx) {
        if (ctx.cookie(NAME) != null) {
            return;
        }
        String value = UUID.randomUUID().toString().replace("-", "");
        ctx.header("Set-Cookie", NAME + "=" + value + "; Path=/; Max-Age=" + ONE_YEAR_SECONDS + "; SameSite=Lax; HttpOnly");
    }
}
