package glassbox.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import glassbox.model.infer.EngineOptions;
import glassbox.model.infer.GenerationRequest;
import glassbox.model.infer.GenerationResult;
import glassbox.model.infer.SamplingParams;
import glassbox.model.infer.TraceOptions;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.SpecialToken;

/**
 * Streaming through the real HTTP stack against the engine alone, then 1, 4 and 16 concurrent
 * clients asking for 64-token answers (the tutor's average is about 58): aggregate streamed tokens/s and time to first token
 * ({@code http_throughput} lines). Starts its own server on a free port.
 */
final class HttpBenchmark {
    private HttpBenchmark() {
    }

    static List<Map<String, Object>> run(Path model, int tokens, int rounds) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, model, Path.of("course"), Path.of(".glassbox/index"), Path.of("prompts"),
                null, List.of(), ServerConfig.DEFAULT_MAX_BODY, EngineOptions.DEFAULT_SLOTS, 64, 0);
        Services services = Services.load(config, System.err);
        GlassboxServer server = new GlassboxServer(config, services);
        server.start();
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            int end = services.engine().tokenizer().id(SpecialToken.END);
            int eos = services.engine().tokenizer().id(SpecialToken.EOS);
            String question = "Explain how attention works.";
            int[] prompt = ChatFormat.encode(services.engine().tokenizer(), List.of(new ChatFormat.Message("user", question)), true);
            SamplingParams s = new SamplingParams(0.8f, 40, 0.95f, 0f, 1f, 0f, 0f, DecodeBenchmark.banEnds(services.engine()), 7);
            double engineBest = 0;
            double httpBest = 0;
            for (int r = 0; r < rounds + 1; r++) {
                GenerationResult g = services.engine().generate(new GenerationRequest(prompt, tokens, s, List.of(), Set.of(), TraceOptions.OFF, null),
                        null, null);
                Stream st = stream(server.url(), body(question, tokens, end, eos));
                if (r > 0) {   // the first round warms up
                    engineBest = Math.max(engineBest, g.completionTokens() / (g.decodeMillis() / 1000));
                    // End tokens are banned, so exactly `tokens` are generated; counting chunks would undercount
                    // (a token that ends mid-character is sent with the next one).
                    httpBest = Math.max(httpBest, (tokens - 1) / ((st.lastNanos - st.firstNanos) / 1e9));
                }
            }
            Map<String, Object> speed = new LinkedHashMap<>();
            speed.put("bench", "http");
            speed.put("tokens", tokens);
            speed.put("engine_tokens_per_s", round(engineBest));
            speed.put("http_tokens_per_s", round(httpBest));
            speed.put("http_vs_engine", Math.round(httpBest / engineBest * 100) / 100.0);
            out.add(speed);
            for (int clients : new int[] {1, 4, 16}) {
                out.add(throughput(server.url(), clients, rounds, body(question, 64, end, eos)));
            }
        } finally {
            server.stop();
            services.close();
        }
        return out;
    }

    private static String body(String question, int maxTokens, int end, int eos) {
        // The same sampling as the engine side (temperature 0.8, top-k 40, top-p 0.95), so both do the same work per token.
        return "{\"model\":\"course-tiny\",\"stream\":true,\"max_tokens\":" + maxTokens
                + ",\"temperature\":0.8,\"top_k\":40,\"top_p\":0.95,\"seed\":7,\"logit_bias\":{\"" + end
                + "\":-100,\"" + eos + "\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    private record Stream(long startNanos, long firstNanos, long lastNanos, int chunks) {
    }

    /** One streamed chat; times the first and last content chunks. */
    private static Stream stream(String url, String body) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long start = System.nanoTime();
        HttpResponse<InputStream> res = client.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + res.statusCode());
        }
        long first = 0;
        long last = 0;
        int chunks = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ") && line.contains("\"content\":\"") && !line.contains("\"role\"")) {
                    long now = System.nanoTime();
                    if (chunks == 0) {
                        first = now;
                    }
                    last = now;
                    chunks++;
                }
            }
        }
        return new Stream(start, first, last, chunks);
    }

    /**
     * {@code clients} streams at once, {@code rounds} times: the aggregate streamed tokens per
     * second (content chunks over each round's wall time, from the first request sent to the last
     * stream's end) and the time to first token's p50/p99 over all streams.
     */
    private static Map<String, Object> throughput(String url, int clients, int rounds, String body) throws Exception {
        List<Double> millis = new ArrayList<>();
        long chunks = 0;
        long wallNanos = 0;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                List<Future<Stream>> all = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    all.add(pool.submit(() -> stream(url, body)));
                }
                long end = start;
                for (Future<Stream> f : all) {
                    Stream st = f.get();
                    millis.add((st.firstNanos - st.startNanos) / 1e6);
                    chunks += st.chunks;
                    end = Math.max(end, st.lastNanos);
                }
                wallNanos += end - start;
            }
        } finally {
            pool.shutdown();
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bench", "http_throughput");
        m.put("clients", clients);
        m.put("requests", sorted.length);
        m.put("tokens_per_s", round(chunks / (wallNanos / 1e9)));
        m.put("ttft_p50_ms", round(sorted[(int) Math.ceil(0.5 * sorted.length) - 1]));
        m.put("ttft_p99_ms", round(sorted[(int) Math.ceil(0.99 * sorted.length) - 1]));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
