package glassbox.server;

import java.net.BindException;
import java.net.UnknownHostException;
import java.util.Map;

import io.javalin.Javalin;

/** The Javalin application: routes are registered here, logic lives in plain classes. */
public final class GlassboxServer {
    private final ServerConfig config;
    private final Javalin app;

    public GlassboxServer(ServerConfig config) {
        this.config = config;
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.useVirtualThreads = false;
        });
        app.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
    }

    /** Binds the port; throws {@link ServerStartException} with a one-line reason on failure. */
    public void start() {
        try {
            app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            app.stop();
            throw new ServerStartException(describe(e), e);
        }
    }

    public void stop() {
        app.stop();
    }

    public int port() {
        return app.port();
    }

    public String url() {
        return "http://" + config.host() + ":" + port();
    }

    private String describe(RuntimeException e) {
        String where = config.host() + ":" + config.port();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "cannot listen on " + where + ": " + (t.getMessage() == null ? "address unavailable" : t.getMessage())
                        + " (is another server using the port? try --port)";
            }
            if (t instanceof UnknownHostException) {
                return "cannot listen on " + where + ": unknown host '" + config.host() + "'";
            }
        }
        return "cannot listen on " + where + ": " + e.getMessage();
    }
}
