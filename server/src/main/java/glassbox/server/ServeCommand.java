package glassbox.server;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox serve}: load the model and the course index, start the HTTP server and block until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the Glassbox server (OpenAI-compatible API, lab API and web app).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--model", defaultValue = "models/course-tiny", description = "Model directory (default: ${DEFAULT-VALUE}).")
    Path model;
    @Option(names = "--course", defaultValue = "course") Path course;
    @Option(names = "--index", defaultValue = ".glassbox/index", description = "Index directory, rebuilt when the course changes.")
    Path index;
    @Option(names = "--prompts", defaultValue = "prompts") Path prompts;
    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' on /v1/* and the /api/* endpoints that run the model or show prompts"
            + " (default: $GLASSBOX_API_KEY, else open).")
    String apiKey;
    @Option(names = "--cors", split = ",", description = "Origins allowed to call the API from a browser (default: none).")
    List<String> cors;
    @Option(names = "--allowed-host", split = ",", description = "Host names the server answers to besides localhost, 127.0.0.1, ::1 and"
            + " --host, e.g. the name a reverse proxy forwards ('*' = any; default: none).")
    List<String> allowedHosts;
    @Option(names = "--allowed-origin", split = ",", description = "Browser origins allowed to send requests besides those of the allowed"
            + " hosts and --cors, e.g. https://course.example.org ('*' = any; default: none).")
    List<String> allowedOrigins;
    @Option(names = "--max-body", defaultValue = "1048576", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBody;
    @Option(names = "--slots", defaultValue = "16", description = "Generations that run at once, decoding together in one batch"
            + " (default: ${DEFAULT-VALUE}).")
    int slots;
    @Option(names = "--queue", defaultValue = "16", description = "Requests that may wait for a slot; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;
    @Option(names = "--queue-timeout", defaultValue = "30", description = "Seconds a request may wait for a slot; then 429 with Retry-After"
            + " (default: ${DEFAULT-VALUE}).")
    int queueTimeout;
    @Option(names = "--replica-id", description = "This server's name among replicas behind a load balancer, put into trace ids"
            + " (trace-<replica>-…) so the balancer can route inspector links to it; letters a-z and digits are kept (default: the host name).")
    String replicaId;
    @Option(names = "--threads", defaultValue = "0", description = "jlama threads (0 = automatic).")
    int threads;

    @Override
    public Integer call() throws Exception {
        String key = apiKey != null ? apiKey : System.getenv("GLASSBOX_API_KEY");
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, model, course, index, prompts, key, cors, maxBody, slots, queue, threads,
                    allowedHosts, allowedOrigins, java.time.Duration.ofSeconds(Math.max(0, queueTimeout)), replicaId);
        } catch (IllegalArgumentException e) {
            System.err.println("glassbox: " + e.getMessage());
            return 2;
        }
        try {
            GlassboxServer.checkPortFree(config);
        } catch (ServerStartException e) {
            System.err.println("glassbox: " + e.getMessage());
            return 1;
        }
        Services services;
        try {
            services = Services.load(config, System.err);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("glassbox: cannot start: " + e.getMessage());
            return 1;
        }
        GlassboxServer server = new GlassboxServer(config, services);
        try {
            server.start();
        } catch (ServerStartException e) {
            System.err.println("glassbox: " + e.getMessage());
            services.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "glassbox-shutdown"));
        System.out.println("Glassbox listening on " + server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
