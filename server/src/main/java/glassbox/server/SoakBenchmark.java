package glassbox.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak: {@code clients} loopback clients send mixed requests for {@code minutes} (or until
 * {@code maxRequests}) to a server started here: streamed and not, traced and not, the raw model
 * and the tutor, completed and aborted half-way. One JSON line at the end: requests, errors (a
 * 5xx, a stream without {@code [DONE]}, an unreadable answer), busy refusals, latency of
 * completed requests, and the heap after GC at start and end.
 */
final class SoakBenchmark {
    private final GlassboxServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    private final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());

    private SoakBenchmark(GlassboxServer server) {
        this.server = server;
    }

    static Map<String, Object> run(Path model, int clients, double minutes, long maxRequests) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, model, Path.of("course"), Path.of(".glassbox/index"), Path.of("prompts"),
                null, List.of(), ServerConfig.DEFAULT_MAX_BODY, 1, Math.max(16, clients), 0);
        Services services = Services.load(config, System.err);
        GlassboxServer server = new GlassboxServer(config, services);
        server.start();
        try {
            SoakBenchmark soak = new SoakBenchmark(server);
            for (int i = 0; i < 4; i++) {
                soak.one(new SplittableRandom(i));   // warm-up: classes, JIT, first sessions
            }
            soak.requests.set(0);
            soak.errors.set(0);
            soak.busy.set(0);
            soak.aborted.set(0);
            soak.latenciesMicros.clear();
            long heapStart = heapAfterGc();
            long traceBytesStart = services.traces().bytes();
            long deadline = System.nanoTime() + (long) (minutes * 60e9);
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                for (int c = 0; c < clients; c++) {
                    SplittableRandom random = new SplittableRandom(1000 + c);
                    pool.submit(() -> {
                        while (System.nanoTime() < deadline && soak.requests.get() < maxRequests) {
                            soak.one(random);
                        }
                    });
                }
            }
            while (services.engine().stats().activeGenerations() > 0) {
                Thread.sleep(50);   // aborted generations notice their closed clients within a token
            }
            long heapEnd = heapAfterGc();
            boolean healthy = soak.http.send(HttpRequest.newBuilder(URI.create(server.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            long[] sorted = soak.latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "soak");
            out.put("clients", clients);
            out.put("minutes", minutes);
            out.put("requests", soak.requests.get());
            out.put("completed", sorted.length);
            out.put("aborted", soak.aborted.get());
            out.put("busy_429", soak.busy.get());
            out.put("errors", soak.errors.get());
            out.put("first_errors", soak.firstErrors);
            out.put("p50_ms", percentile(sorted, 0.50));
            out.put("p99_ms", percentile(sorted, 0.99));
            out.put("heap_after_gc_start_mb", heapStart / 1e6);
            out.put("heap_after_gc_end_mb", heapEnd / 1e6);
            out.put("heap_growth_pct", Math.round(1000.0 * (heapEnd - heapStart) / heapStart) / 10.0);
            out.put("traces_kept_mb", services.traces().bytes() / 1e6);
            // The trace store fills up to its budget by design; what grows beside it would be a leak.
            long traceGrowth = services.traces().bytes() - traceBytesStart;
            out.put("heap_growth_besides_traces_pct", Math.round(1000.0 * (heapEnd - heapStart - traceGrowth) / heapStart) / 10.0);
            out.put("kv_sessions_mb", services.engine().stats().kvBytes() / 1e6);
            out.put("health_ok", healthy);
            return out;
        } finally {
            server.stop();
            services.close();
        }
    }

    /** One request of a random kind; counts what happened. */
    private void one(SplittableRandom random) {
        requests.incrementAndGet();
        boolean stream = random.nextBoolean();
        boolean traced = random.nextInt(4) == 0;
        boolean abort = random.nextInt(4) == 0;
        String model = random.nextInt(3) == 0 ? "glassbox-tutor" : "course-tiny";
        String question = QUESTIONS.get(random.nextInt(QUESTIONS.size()));
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + (8 + random.nextInt(57))
                + ",\"seed\":" + random.nextInt(1000) + (traced ? ",\"trace\":{\"attention\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        try {
            if (abort) {
                abort(body, random.nextInt(200));
                aborted.incrementAndGet();
            } else {
                complete(body, stream);
            }
        } catch (Exception e) {
            error("exception: " + e);
        }
    }

    private void complete(String body, boolean stream) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 429) {
            busy.incrementAndGet();
            return;
        }
        boolean ok = r.statusCode() == 200 && (stream ? r.body().stripTrailing().endsWith("data: [DONE]") && !r.body().contains("\"error\"")
                : Json.MAPPER.readTree(r.body()).has("choices"));
        if (!ok) {
            error(r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
            return;
        }
        latenciesMicros.add((System.nanoTime() - t0) / 1000);
    }

    /** Sends the request on a raw connection and closes it after a while, read or not. */
    private void abort(String body, int afterMillis) throws Exception {
        URI uri = URI.create(server.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            Thread.sleep(afterMillis);
            InputStream in = socket.getInputStream();
            if (in.available() > 0) {
                in.read(new byte[in.available()]);
            }
        }
    }

    private void error(String what) {
        errors.incrementAndGet();
        if (firstErrors.size() < 5) {
            firstErrors.add(what);
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            ManagementFactory.getMemoryMXBean().gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return Math.round(sorted[Math.max(0, i)] / 10.0) / 100.0;
    }

    private static final List<String> QUESTIONS = List.of("What is a token?", "What does the softmax do?", "Explain top-p sampling.",
            "Why do we need layer norm?", "How does attention work?", "What is a loss function?", "hi");
}
