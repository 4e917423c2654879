package glassbox.model.train;

import java.util.List;

/** The outcome of a run: the weights with the best validation loss and the whole curve. */
public record TrainingResult(Weights bestWeights, float bestValLoss, int stepsDone, long tokensSeen,
                             double wallSeconds, boolean stoppedEarly, boolean interrupted, List<CurvePoint> curve) {
}
