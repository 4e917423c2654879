package glassbox.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import glassbox.model.infer.EngineOptions;

/**
 * Everything the server needs to start; built by the CLI or by tests.
 *
 * @param apiKey         when set, {@code /v1/*} and the lab endpoints that run the model or show
 *                       prompts require {@code Authorization: Bearer <key>}
 * @param corsOrigins    origins allowed to call the API from a browser (empty: CORS off)
 * @param maxBodyBytes   larger request bodies get 413, whatever their framing
 * @param allowedHosts   host names accepted in {@code Host} besides the loopback names and the bound host
 * @param allowedOrigins origins accepted in {@code Origin} besides those of the accepted hosts and {@code corsOrigins}
 * @param queueTimeout   how long a request may wait for a generation slot before it gets 429
 * @param replicaId      this server's name among replicas behind a load balancer, put into trace ids;
 *                       null: the host name (see {@link ReplicaId#resolve})
 */
public record ServerConfig(String host, int port, Path modelDir, Path courseDir, Path indexDir, Path promptsDir,
                           String apiKey, List<String> corsOrigins, long maxBodyBytes, int slots, int queue, int threads,
                           List<String> allowedHosts, List<String> allowedOrigins, Duration queueTimeout,
                           String replicaId) {
    public static final long DEFAULT_MAX_BODY = 1L << 20;

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1024 bytes");
        }
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        queueTimeout = queueTimeout == null ? EngineOptions.DEFAULT_QUEUE_TIMEOUT : queueTimeout;
        replicaId = ReplicaId.resolve(replicaId);
    }

    /** The replica id taken from the host name. */
    public ServerConfig(String host, int port, Path modelDir, Path courseDir, Path indexDir, Path promptsDir,
                        String apiKey, List<String> corsOrigins, long maxBodyBytes, int slots, int queue, int threads,
                        List<String> allowedHosts, List<String> allowedOrigins, Duration queueTimeout) {
        this(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, maxBodyBytes, slots, queue, threads,
                allowedHosts, allowedOrigins, queueTimeout, null);
    }

    /** Without extra allowed hosts or origins: only loopback names and the bound host are accepted. */
    public ServerConfig(String host, int port, Path modelDir, Path courseDir, Path indexDir, Path promptsDir,
                        String apiKey, List<String> corsOrigins, long maxBodyBytes, int slots, int queue, int threads) {
        this(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, maxBodyBytes, slots, queue, threads,
                List.of(), List.of(), EngineOptions.DEFAULT_QUEUE_TIMEOUT);
    }

    /** The defaults of {@code ./scripts/serve}, relative to the repository root. */
    public static ServerConfig defaults(String host, int port) {
        return new ServerConfig(host, port, Path.of("models/course-tiny"), Path.of("course"), Path.of(".glassbox/index"),
                Path.of("prompts"), null, List.of(), DEFAULT_MAX_BODY, EngineOptions.DEFAULT_SLOTS, 16, 0);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, key, corsOrigins, maxBodyBytes, slots, queue, threads,
                allowedHosts, allowedOrigins, queueTimeout, replicaId);
    }

    public ServerConfig withLimits(long bodyBytes, int newSlots, int newQueue) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, bodyBytes, newSlots, newQueue, threads,
                allowedHosts, allowedOrigins, queueTimeout, replicaId);
    }

    public ServerConfig withCors(List<String> origins) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, origins, maxBodyBytes, slots, queue, threads,
                allowedHosts, allowedOrigins, queueTimeout, replicaId);
    }

    public ServerConfig withAllowedHosts(List<String> hosts, List<String> origins) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, maxBodyBytes, slots, queue, threads,
                hosts, origins, queueTimeout, replicaId);
    }

    public ServerConfig withQueueTimeout(Duration timeout) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, maxBodyBytes, slots, queue, threads,
                allowedHosts, allowedOrigins, timeout, replicaId);
    }

    public ServerConfig withReplicaId(String id) {
        return new ServerConfig(host, port, modelDir, courseDir, indexDir, promptsDir, apiKey, corsOrigins, maxBodyBytes, slots, queue, threads,
                allowedHosts, allowedOrigins, queueTimeout, id);
    }
}
