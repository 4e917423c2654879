package glassbox.model.train;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr: step, loss, val loss, tokens/s and ETA, redrawn in place. */
public final class ProgressBar implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private Float lastVal;
    private long lastPrintNanos;

    public ProgressBar(PrintStream out) {
        this.out = out;
        this.interactive = System.console() != null;
    }

    @Override
    public void onStep(CurvePoint p, int maxSteps, double elapsedSeconds) {
        if (p.valLoss() != null) {
            lastVal = p.valLoss();
        }
        long now = System.nanoTime();
        boolean last = p.step() == maxSteps;
        // Not a terminal (CI, a log file): one line per evaluation instead of a redrawn bar.
        if (!interactive && p.valLoss() == null && !last) {
            return;
        }
        if (interactive && now - lastPrintNanos < 200_000_000L && !last && p.valLoss() == null) {
            return;
        }
        lastPrintNanos = now;
        int width = 24;
        int filled = (int) ((long) width * p.step() / maxSteps);
        double perStep = elapsedSeconds / Math.max(1, p.step());
        long eta = Math.round(perStep * (maxSteps - p.step()));
        String line = String.format(Locale.ROOT, "step %d/%d [%s%s] loss %.3f%s  %,.0f tok/s  ETA %d:%02d",
                p.step(), maxSteps, "#".repeat(filled), ".".repeat(width - filled), p.trainLoss(),
                lastVal == null ? "" : String.format(Locale.ROOT, "  val %.3f", lastVal),
                p.tokensPerSecond(), eta / 60, eta % 60);
        out.print(interactive ? "\r" + line + "   " : line + "\n");
        out.flush();
    }

    public void finish() {
        if (interactive) {
            out.println();
        }
    }
}
