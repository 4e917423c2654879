package glassbox.server;

import java.nio.file.Path;
import java.util.List;

/**
 * One real server for the whole test run: the committed default model, the course, a fresh
 * index under target/, on a free port. Started on first use, stopped when the JVM exits.
 * With the system property {@value #BASE_URL_PROPERTY} set (e.g. {@code http://127.0.0.1:9300},
 * the load balancer that {@code ./scripts/cluster test} starts), {@link #url()} names that server
 * instead and none is started; tests that only talk HTTP then run against it.
 */
public final class TestServer {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    public static final String BASE_URL_PROPERTY = "glassbox.test.baseUrl";
    private static GlassboxServer server;

    private TestServer() {
    }

    public static ServerConfig config() {
        return new ServerConfig("127.0.0.1", 0, ROOT.resolve("models/course-tiny"), ROOT.resolve("course"),
                Path.of("target/test-index").toAbsolutePath(), ROOT.resolve("prompts"), null, List.of(),
                ServerConfig.DEFAULT_MAX_BODY, 1, 4, 0);
    }

    public static synchronized GlassboxServer get() throws Exception {
        if (server == null) {
            Services services = Services.load(config(), System.err);
            server = new GlassboxServer(config(), services);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return server;
    }

    public static String url() throws Exception {
        String external = System.getProperty(BASE_URL_PROPERTY, "");
        return external.isBlank() ? get().url() : external.replaceAll("/+$", "");
    }

    public static Services services() throws Exception {
        return get().services();
    }

    /** The served model's context length in tokens, for tests that build inputs just over it. */
    public static int contextLength() throws Exception {
        return services().engine().info().contextLength();
    }
}
