package glassbox.model.math;

/**
 * The one softmax of Glassbox, for the trainer and the engine alike:
 * {@code p_i = exp(x_i - max) / Σ_j exp(x_j - max)}. Taking the maximum out first keeps every
 * exponential in (0, 1], so nothing overflows; the sum is kept in double so a row of thousands
 * of small terms does not lose them. Minus infinity (a banned token, a masked position) gives
 * exactly 0.
 */
public final class Softmax {
    private Softmax() {
    }

    /**
     * In place over {@code x[off, off + n)}: each entry becomes {@code softmax(scale · x)}. Float
     * exponentials, a double sum, one float reciprocal multiplied in (the trainer's attention and
     * cross-entropy rows, the trace recorder's attention rows).
     */
    public static void inPlace(float[] x, int off, int n, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = off; j < off + n; j++) {
            max = Math.max(max, x[j] * scale);
        }
        double sum = 0;
        for (int j = off; j < off + n; j++) {
            float e = (float) Math.exp(x[j] * scale - max);
            x[j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = off; j < off + n; j++) {
            x[j] *= inv;
        }
    }

    /** {@link #inPlace(float[], int, int, float)} with scale 1 over the whole array. */
    public static void inPlace(float[] x) {
        inPlace(x, 0, x.length, 1f);
    }

    /** A new array of {@code softmax(x)}; {@code x} is left as it is. */
    public static float[] of(float[] x) {
        float[] p = x.clone();
        inPlace(p);
        return p;
    }

    /**
     * {@code softmax(x / t)} in double, given {@code x}'s maximum (the sampler's distributions).
     * The difference is taken before dividing: with a tiny t, {@code x / t} alone overflows to
     * infinity and {@code ∞ - ∞} is NaN, while {@code (x - max) / t} is 0 for the maximum and -∞
     * (probability 0) for the rest, so the distribution tends to greedy as it should.
     */
    public static double[] withTemperature(float[] x, float max, float t) {
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = x[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(((double) x[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * {@code ln Σ_j exp(x_j - max)}: the log normaliser around the maximum, so
     * {@code ln p_i = x_i - max - logNormalizer(x, max)} without forming the probabilities.
     */
    public static double logNormalizer(float[] x, float max) {
        double total = 0;
        for (float z : x) {
            total += Math.exp(z - max);
        }
        return Math.log(total);
    }
}
