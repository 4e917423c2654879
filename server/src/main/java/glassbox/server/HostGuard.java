package glassbox.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * DNS-rebinding and cross-site protection: a request is served only if its {@code Host} names
 * this server (a loopback name, the bound host or an {@code --allowed-host}) and its
 * {@code Origin}, when a browser sends one, is such a host or an allowed origin. A page on
 * {@code evil.example} then cannot drive a server on 127.0.0.1, neither by a cross-site POST nor
 * by rebinding its own name to 127.0.0.1.
 */
final class HostGuard {
    static final String ANY = "*";
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final Set<String> WILDCARD_BINDS = Set.of("", "0.0.0.0", "::", "[::]");

    private final Set<String> hosts = new HashSet<>(LOOPBACK);
    private final Set<String> origins = new HashSet<>();

    HostGuard(ServerConfig config) {
        String bound = config.host().toLowerCase(Locale.ROOT);
        if (!WILDCARD_BINDS.contains(bound)) {
            hosts.add(unbracket(bound));
        }
        config.allowedHosts().forEach(h -> hosts.add(unbracket(h.trim().toLowerCase(Locale.ROOT))));
        for (String o : concat(config.corsOrigins(), config.allowedOrigins())) {
            origins.add(stripSlash(o.trim().toLowerCase(Locale.ROOT)));
        }
    }

    /** Null if the request may go on, else the refusal. */
    ApiError check(String hostHeader, String originHeader) {
        if (hostHeader != null && !hostAllowed(hostName(hostHeader))) {
            return new ApiError(403, "invalid_request_error", "This server does not answer to the host name '" + shorten(hostHeader)
                    + "'. Start it with --allowed-host NAME to allow it.", null, "host_not_allowed", null);
        }
        if (originHeader != null && !originAllowed(originHeader)) {
            return new ApiError(403, "invalid_request_error", "Requests from the origin '" + shorten(originHeader)
                    + "' are not allowed. Start the server with --allowed-origin ORIGIN to allow it.", null, "origin_not_allowed", null);
        }
        return null;
    }

    private boolean hostAllowed(String name) {
        return hosts.contains(ANY) || hosts.contains(name);
    }

    private boolean originAllowed(String origin) {
        String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
        if (origins.contains(ANY) || origins.contains(o)) {
            return true;
        }
        try {
            URI uri = new URI(o);
            return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && hostAllowed(unbracket(uri.getHost()));
        } catch (URISyntaxException e) {
            return false;   // "null" (a sandboxed frame, a file) and anything unparseable
        }
    }

    /** The name in a Host header, without port and brackets, lower case: "[::1]:8080" gives "::1". */
    static String hostName(String header) {
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? h : h.substring(1, close);
        }
        int colon = h.indexOf(':');
        return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
    }

    private static String unbracket(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String stripSlash(String o) {
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
