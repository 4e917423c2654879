package glassbox.model.train;

/** Receives each step's metrics (progress bars, metrics files). */
public interface TrainingListener {
    void onStep(CurvePoint point, int maxSteps, double elapsedSeconds);

    TrainingListener NONE = (point, maxSteps, elapsedSeconds) -> { };
}
