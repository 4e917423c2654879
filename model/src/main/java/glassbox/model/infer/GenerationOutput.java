package glassbox.model.infer;

import java.util.ArrayList;
import java.util.List;

import glassbox.model.tokenizer.StreamDecoder;

/**
 * The emit stage of a generation: each sampled token is decoded incrementally, passed through the
 * stop strings, and whatever text is safe to show goes to the listener together with the traces
 * of the tokens that produced it. Keeps the completion's ids and traces for the result.
 */
final class GenerationOutput {
    private final StreamDecoder decoder;
    private final StopStrings stops;
    private final GenerationListener listener;
    private final List<Integer> completion = new ArrayList<>();
    private final List<TokenTrace> traces = new ArrayList<>();
    private final List<TokenTrace> pending = new ArrayList<>();

    GenerationOutput(StreamDecoder decoder, StopStrings stops, GenerationListener listener) {
        this.decoder = decoder;
        this.stops = stops;
        this.listener = listener;
    }

    /** Adds a generated token; true when a stop string has ended the text. */
    boolean emit(int id, TokenTrace trace) {
        completion.add(id);
        traces.add(trace);
        pending.add(trace);
        String released = stops.accept(decoder.accept(id));
        if (!released.isEmpty() || stops.stopped()) {
            listener.onDelta(released, List.copyOf(pending));
            pending.clear();
        }
        return stops.stopped();
    }

    /** Releases the text held back for a possible stop string (none once one matched) and any traces not sent yet. */
    void finish() {
        String tail = stops.stopped() ? "" : stops.finish(decoder.flush());
        if (!tail.isEmpty() || !pending.isEmpty()) {
            listener.onDelta(tail, List.copyOf(pending));
            pending.clear();
        }
    }

    int[] completion() {
        return completion.stream().mapToInt(Integer::intValue).toArray();
    }

    List<TokenTrace> traces() {
        return traces;
    }

    String text() {
        return stops.text();
    }
}
