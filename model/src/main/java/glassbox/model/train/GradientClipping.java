package glassbox.model.train;

/** Rescales the whole gradient when its L2 norm exceeds a limit; returns the norm before clipping. */
public final class GradientClipping {
    private GradientClipping() {
    }

    public static float clip(float[] grad, float maxNorm) {
        double sum = 0;
        for (float g : grad) {
            sum += (double) g * g;
        }
        float norm = (float) Math.sqrt(sum);
        if (norm > maxNorm) {
            float scale = maxNorm / norm;
            for (int i = 0; i < grad.length; i++) {
                grad[i] *= scale;
            }
        }
        return norm;
    }
}
