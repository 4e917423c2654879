package glassbox.model.infer;

import glassbox.model.math.Softmax;

/**
 * The language-modelling loss of a text under the model, token by token: the surprise
 * {@code -ln p(token | the tokens before it)} of every token after the first, their mean (the
 * cross-entropy in nats per token, what training minimises) and its exponential, the perplexity.
 *
 * @param losses     {@code [n - 1]}: the surprise of token {@code i + 1}
 * @param probs      {@code [n - 1]}: the probability the model gave token {@code i + 1}
 * @param best       {@code [n - 1]}: the token the model found most likely at that place
 * @param bestProbs  {@code [n - 1]}: its probability
 * @param crossEntropy mean of {@code losses}
 * @param perplexity {@code e^crossEntropy}
 */
public record TokenLoss(float[] losses, float[] probs, int[] best, float[] bestProbs, double crossEntropy, double perplexity) {

    /** From the logits at every position ({@code [n][vocab]}, row i scoring token i + 1) and the tokens ({@code [n]}). */
    public static TokenLoss of(int[] tokens, float[][] logits) {
        int n = tokens.length - 1;
        float[] losses = new float[Math.max(n, 0)];
        float[] probs = new float[losses.length];
        int[] best = new int[losses.length];
        float[] bestProbs = new float[losses.length];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float[] row = logits[i];
            int top = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[top]) {
                    top = j;
                }
            }
            // log-sum-exp around the maximum: ln p(t) = z_t - max - ln Σ e^(z_j - max)
            double logZ = Softmax.logNormalizer(row, row[top]);
            double logP = row[tokens[i + 1]] - row[top] - logZ;
            losses[i] = (float) -logP;
            probs[i] = (float) Math.exp(logP);
            best[i] = top;
            bestProbs[i] = (float) Math.exp(-logZ);
            sum += -logP;
        }
        double ce = n > 0 ? sum / n : 0;
        return new TokenLoss(losses, probs, best, bestProbs, ce, Math.exp(ce));
    }
}
