package glassbox.server.ops;

import java.util.List;

import glassbox.model.infer.GenerationListener;
import glassbox.model.infer.TokenTrace;

/**
 * Passes a generation's text on and feeds the metrics: the first token's delay since its request
 * arrived (time to first token) and every later token's time.
 */
public final class MeteredListener implements GenerationListener {
    private final GenerationListener next;
    private final Metrics metrics;
    private final long arrivalNanos;

    /** @param arrivalNanos {@link System#nanoTime()} when the request arrived; negative when this is not its first answer */
    public MeteredListener(GenerationListener next, Metrics metrics, long arrivalNanos) {
        this.next = next == null ? GenerationListener.NONE : next;
        this.metrics = metrics;
        this.arrivalNanos = arrivalNanos;
    }

    @Override
    public void onDelta(String text, List<TokenTrace> tokens) {
        next.onDelta(text, tokens);
    }

    @Override
    public void onToken(int index, long nanos, int sequences) {
        if (index == 0) {
            if (arrivalNanos >= 0) {
                metrics.firstToken(System.nanoTime() - arrivalNanos);
            }
        } else {
            metrics.token(nanos, sequences);
        }
    }
}
