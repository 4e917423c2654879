package glassbox.model.train;

/**
 * AdamW (Loshchilov &amp; Hutter): Adam's per-parameter step sizes plus weight decay applied
 * directly to the weights rather than through the gradient. Norm gains are not decayed.
 */
public final class AdamW {
    private final Weights weights;
    private final float beta1, beta2, eps, weightDecay;
    final float[] m, v;
    private final boolean[] decayedSlice;
    private final int[] sliceOf;
    long step;

    public AdamW(Weights weights, float beta1, float beta2, float eps, float weightDecay) {
        this.weights = weights;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[weights.size()];
        this.v = new float[weights.size()];
        this.decayedSlice = new boolean[weights.slices.size()];
        this.sliceOf = new int[weights.slices.size() + 1];
        for (int i = 0; i < weights.slices.size(); i++) {
            decayedSlice[i] = weights.slices.get(i).decayed();
            sliceOf[i] = weights.slices.get(i).offset();
        }
        sliceOf[weights.slices.size()] = weights.size();
    }

    /** One update with learning rate {@code lr}; {@code grad} is left untouched. */
    public void step(float[] grad, float lr, Parallel par) {
        step++;
        float bc1 = (float) (1 - Math.pow(beta1, step));
        float bc2 = (float) (1 - Math.pow(beta2, step));
        float[] p = weights.data;
        for (int s = 0; s < decayedSlice.length; s++) {
            int from = sliceOf[s], to = sliceOf[s + 1];
            float decay = decayedSlice[s] ? 1f - lr * weightDecay : 1f;
            par.forRange(to - from, (a, b) -> {
                for (int i = from + a; i < from + b; i++) {
                    float g = grad[i];
                    m[i] = beta1 * m[i] + (1 - beta1) * g;
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                    float mHat = m[i] / bc1;
                    float vHat = v[i] / bc2;
                    p[i] = p[i] * decay - lr * mHat / ((float) Math.sqrt(vHat) + eps);
                }
            });
        }
    }
}
