package glassbox.model.train;

/** Linear warm-up to {@code maxLr}, then cosine decay to {@code minLr} at {@code totalSteps}. */
public record LearningRateSchedule(float maxLr, float minLr, int warmupSteps, int totalSteps) {

    /** Learning rate for step {@code step} (0-based). */
    public float at(int step) {
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return (float) (minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}
