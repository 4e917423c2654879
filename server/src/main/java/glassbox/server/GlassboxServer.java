package glassbox.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import glassbox.model.infer.ContextLengthExceededException;
import glassbox.model.infer.EngineBusyException;
import glassbox.server.lab.GenerationLabApi;
import glassbox.server.lab.LabApi;
import glassbox.server.lab.ModelLabApi;
import glassbox.server.openai.EmbeddingsApi;
import glassbox.server.lab.TrainingLabApi;
import glassbox.server.openai.OpenAiApi;
import glassbox.server.ops.Metrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;

/**
 * The Javalin application: routes, errors, auth, CORS and the web pages. Handlers are thin;
 * the logic lives in {@link OpenAiApi}, {@link LabApi} and the classes they call.
 */
public final class GlassboxServer {
    private static final Logger LOG = LoggerFactory.getLogger(GlassboxServer.class);
    /** Pages of the web app: each path serves one HTML file; the page's script reads the rest of the URL. */
    static final Map<String, String> PAGES = Map.of(
            "/", "/web/index.html",
            "/course", "/web/course.html",
            "/course/{slug}", "/web/course.html",
            "/inspect/{id}", "/web/inspect.html",
            "/lab/{slug}", "/web/lab.html",
            "/tokenize", "/web/tokenize.html",
            "/sampling", "/web/sampling.html",
            "/training", "/web/training.html");

    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final ServerConfig config;
    private final Services services;
    private final HostGuard hostGuard;
    private final ApiKeyGuard keyGuard;
    private final Javalin app;

    public GlassboxServer(ServerConfig config, Services services) {
        this.config = config;
        this.services = services;
        this.hostGuard = new HostGuard(config);
        this.keyGuard = new ApiKeyGuard(config.apiKey());
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.useVirtualThreads = false;
            javalin.http.maxRequestSize = config.maxBodyBytes();
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            // One JSON style everywhere: snake_case, like the OpenAI API.
            javalin.jsonMapper(new io.javalin.json.JavalinJackson(Json.MAPPER, false));
            javalin.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            if (!config.corsOrigins().isEmpty()) {
                javalin.bundledPlugins.enableCors(cors -> cors.addRule(rule -> config.corsOrigins().forEach(rule::allowHost)));
            }
        });
        app.before(Metrics::arrived);
        app.before(this::guard);
        app.get("/health", ctx -> ctx.json(Map.of("status", "ok", "model", services.engine().info().name())));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(services.metrics().render()));
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(resource("/openapi.json")));
        new OpenAiApi(services).register(app);
        new EmbeddingsApi(services).register(app);
        new LabApi(services).register(app);
        new GenerationLabApi(services).register(app);
        new ModelLabApi(services).register(app);
        new TrainingLabApi(services, config.indexDir().toAbsolutePath().resolveSibling("corpus-stats.json"), config.promptsDir()).register(app);
        new glassbox.server.lab.TutorLabApi(services).register(app);
        PAGES.forEach((path, file) -> app.get(path, ctx -> {
            AffinityCookie.ensure(ctx);
            ctx.contentType("text/html; charset=utf-8").result(resource(file));
        }));
        app.after(ctx -> services.metrics().request(ctx.endpointHandlerPath(), ctx.statusCode(), System.nanoTime() - Metrics.arrival(ctx)));
        registerErrors();
    }

    private static byte[] resource(String name) throws java.io.IOException {
        try (var in = GlassboxServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ApiError(404, "invalid_request_error", "not found: " + name, null, "not_found", null);
            }
            return in.readAllBytes();
        }
    }

    /**
     * Before every route, in this order: security headers (so refusals carry them too), the host
     * and origin check, the API key, then the body, read within the size limit whatever its framing.
     */
    private void guard(Context ctx) throws IOException {
        SecurityHeaders.apply(ctx);
        ApiError refused = hostGuard.check(ctx.header("Host"), ctx.header("Origin"));
        if (refused == null) {
            refused = keyGuard.check(ctx.method().name(), ctx.path(), ctx.header("Authorization"));
        }
        if (refused != null) {
            throw refused;
        }
        if (BODY_METHODS.contains(ctx.method().name())) {
            RequestBody.read(ctx, config.maxBodyBytes());
        }
    }

    private void registerErrors() {
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        app.exception(ContextLengthExceededException.class, (e, ctx) -> error(ctx, ApiError.invalid(e.getMessage(),
                ctx.path().equals("/v1/completions") ? "prompt" : "messages", "context_length_exceeded")));
        app.exception(EngineBusyException.class, (e, ctx) ->
                error(ctx, new ApiError(429, "rate_limit_error", e.getMessage(), null, "server_busy", e.retryAfterSeconds())));
        // No blanket IllegalArgumentException -> 400: bad input is refused as an ApiError where it is read,
        // so anything else that escapes is the server's bug, logged and answered 500 below.
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiError(e.getStatus(), "invalid_request_error",
                e.getMessage(), null, e.getStatus() == 413 ? "request_too_large" : null, null)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, new ApiError(500, "server_error", "The server had an error while processing your request.", null, null, null));
        });
        // Javalin's own "Endpoint ... not found" text becomes a JSON error; our 404 bodies are left as they are.
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")) {
                error(ctx, ApiError.notFound("Unknown path: " + ctx.method() + " " + ctx.path(), "unknown_url"));
            }
        });
    }

    private static void error(Context ctx, ApiError e) {
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        ctx.status(e.status()).json(e.body());
    }

    /** Binds the port; throws {@link ServerStartException} with a one-line reason on failure. */
    public void start() {
        try {
            app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            app.stop();
            throw new ServerStartException(describe(config, e), e);
        }
    }

    public void stop() {
        app.stop();
    }

    /**
     * Fails fast, before the model is loaded, when the port is already taken (e.g. a second server
     * started on the same checkout). A free port is released at once; the real bind comes later.
     */
    public static void checkPortFree(ServerConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.host(), config.port()));
        } catch (IOException | RuntimeException e) {
            throw new ServerStartException(describe(config, e), e);
        }
    }

    public int port() {
        return app.port();
    }

    public String url() {
        return "http://" + config.host() + ":" + port();
    }

    public Services services() {
        return services;
    }

    private static String describe(ServerConfig config, Exception e) {
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
