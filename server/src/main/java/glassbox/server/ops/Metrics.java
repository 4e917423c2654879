package glassbox.server.ops;

import java.time.Duration;
import java.util.function.Supplier;

import glassbox.model.infer.EngineStats;
import glassbox.server.lab.TraceStore;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What {@code GET /metrics} shows, through Micrometer's Prometheus registry: request counts and
 * latency by route, time to first token, time per token, decode batch size and queue wait as
 * histograms, the engine's and the trace store's state as gauges, and the JVM's memory, GC and
 * threads. Histogram buckets are fixed so the page stays short and comparable across servers.
 */
public final class Metrics implements AutoCloseable {
    /** The request attribute holding {@link System#nanoTime()} at the request's arrival. */
    public static final String ARRIVAL = "glassbox.arrival";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Held here: Micrometer keeps only a weak reference to a gauge's source, and a lambda nobody else holds would be collected. */
    private final Supplier<EngineStats> engine;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer timeToFirstToken;
    private final Timer tokenTime;
    private final Timer queueWait;
    private final DistributionSummary batchSize;
    private volatile double lastTokensPerSecond;

    public Metrics(Supplier<EngineStats> engine, TraceStore traces) {
        this.engine = engine;
        timeToFirstToken = Timer.builder("glassbox.time.to.first.token")
                .description("From a generation request's arrival to its first generated text (queue, preparation and prefill included).")
                .serviceLevelObjectives(millis(25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000)).register(registry);
        tokenTime = Timer.builder("glassbox.token.time")
                .description("Time between consecutive generated tokens of one generation (a forward pass and sampling).")
                .serviceLevelObjectives(millis(1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100)).register(registry);
        queueWait = Timer.builder("glassbox.queue.wait")
                .description("Time a generation request waited for a slot.")
                .serviceLevelObjectives(millis(1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)).register(registry);
        batchSize = DistributionSummary.builder("glassbox.decode.batch.size")
                .description("Sequences decoded together in the forward pass that gave each token after the first.")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry);
        FunctionCounter.builder("glassbox.tokens.generated", engine, e -> e.get().tokensGenerated())
                .description("Tokens generated since start.").register(registry);
        Gauge.builder("glassbox.decode.tokens.per.second", this, m -> m.lastTokensPerSecond)
                .description("Decode speed of the last generation.").register(registry);
        Gauge.builder("glassbox.queue.depth", engine, e -> e.get().queued()).description("Requests waiting for a generation slot.").register(registry);
        Gauge.builder("glassbox.active.generations", engine, e -> e.get().activeGenerations()).description("Generations running now.")
                .register(registry);
        Gauge.builder("glassbox.kv.sessions", engine, e -> e.get().sessions()).description("KV-cache sessions kept.").register(registry);
        Gauge.builder("glassbox.kv.bytes", engine, e -> e.get().kvBytes()).description("KV-cache memory reserved by kept sessions.")
                .register(registry);
        FunctionCounter.builder("glassbox.kv.evictions", engine, e -> e.get().evictions())
                .description("Sessions evicted by the memory budget.").register(registry);
        Gauge.builder("glassbox.traces.stored", traces, TraceStore::size).description("Traces held for the inspector.").register(registry);
        Gauge.builder("glassbox.traces.bytes", traces, TraceStore::bytes)
                .description("Estimated memory of the traces held (bounded by the store's budget).").register(registry);
        Runtime rt = Runtime.getRuntime();
        Gauge.builder("glassbox.heap.used.bytes", rt, r -> r.totalMemory() - r.freeMemory()).description("Java heap in use (before any GC).")
                .register(registry);
        Gauge.builder("glassbox.heap.max.bytes", rt, Runtime::maxMemory).description("Java heap limit.").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** One finished HTTP request: counted by route and status, its latency by route. */
    public void request(String route, int status, long nanos) {
        Counter.builder("glassbox.requests").description("HTTP requests by route and status.").tag("route", route)
                .tag("status", String.valueOf(status)).register(registry).increment();
        Timer.builder("glassbox.request.latency").description("HTTP request latency by route (a stream counts until its last event).")
                .tag("route", route).serviceLevelObjectives(millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    /** Marks a request's arrival (the first before-handler). */
    public static void arrived(Context ctx) {
        ctx.attribute(ARRIVAL, System.nanoTime());
    }

    /** {@link System#nanoTime()} at the request's arrival (now, if it was not marked). */
    public static long arrival(Context ctx) {
        Long t = ctx.attribute(ARRIVAL);
        return t == null ? System.nanoTime() : t;
    }

    public void queueWait(long nanos) {
        queueWait.record(Duration.ofNanos(nanos));
    }

    public void firstToken(long nanosSinceArrival) {
        timeToFirstToken.record(Duration.ofNanos(nanosSinceArrival));
    }

    /** One generated token after the first: the time since the one before it, and how many sequences its forward pass ran. */
    public void token(long nanos, int sequences) {
        tokenTime.record(Duration.ofNanos(nanos));
        batchSize.record(sequences);
    }

    public void generation(int tokens, double decodeMillis) {
        if (tokens > 0 && decodeMillis > 0) {
            lastTokensPerSecond = tokens / (decodeMillis / 1000);
        }
    }

    /** The Prometheus text format (version 0.0.4). */
    public String render() {
        return registry.scrape();
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
