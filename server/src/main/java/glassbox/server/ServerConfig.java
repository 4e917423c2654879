package glassbox.server;

/** Everything the server needs to start; built by the CLI or by tests. */
public record ServerConfig(String host, int port) {
    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
    }
}
