package glassbox.server;

import java.net.InetAddress;
import java.util.Locale;

/**
 * The name of one server among replicas behind a load balancer: it goes into every trace id
 * ({@code trace-<replica>-…}) so the balancer can send an inspector link back to the replica
 * that holds the trace. Only {@code [a-z0-9]} is kept, so an id splits at its dashes and fits
 * an nginx {@code map} pattern; at most {@value #MAX_LENGTH} characters.
 */
public final class ReplicaId {
    public static final int MAX_LENGTH = 32;
    /** When neither a flag nor a host name gives a usable name. */
    public static final String FALLBACK = "local";

    private ReplicaId() {
    }

    /** Lower-cases {@code raw} and keeps its letters a-z and digits, cut to {@value #MAX_LENGTH}; may return "". */
    public static String sanitise(String raw) {
        String kept = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return kept.length() > MAX_LENGTH ? kept.substring(0, MAX_LENGTH) : kept;
    }

    /** The {@code --replica-id} flag, sanitised; a flag with nothing left is refused. */
    public static String fromFlag(String flag) {
        String id = sanitise(flag);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("--replica-id needs at least one letter a-z or digit, got '" + flag + "'");
        }
        return id;
    }

    /** The flag when given, else this machine's host name, sanitised; {@value #FALLBACK} when neither gives a name. */
    public static String resolve(String flag) {
        if (flag != null) {
            return fromFlag(flag);
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "";
            }
        }
        String id = sanitise(host);
        return id.isEmpty() ? FALLBACK : id;
    }
}
