package glassbox.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox serve}: start the HTTP server and block until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the Glassbox server (OpenAI-compatible API, lab API and web app).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        GlassboxServer server = new GlassboxServer(new ServerConfig(host, port));
        try {
            server.start();
        } catch (ServerStartException e) {
            System.err.println("glassbox: " + e.getMessage());
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
