package glassbox.model.infer;

import java.util.List;

/**
 * A prompt read through the trace machinery, with no token generated: what the lab shows for a
 * typed text.
 *
 * @param tokens         the prompt, {@code [n]}
 * @param attention      {@code [layer][head][query position][key position ≤ query]}: every attention row
 * @param lens           {@code [position][layer]}: each layer's top guesses for the next token (empty lists when not asked for)
 * @param residual       {@code [layer + 1][position][hidden]}: the stream entering each block; the last entry leaves the
 *                       last block (before the final norm); null when not asked for
 * @param afterAttention {@code [layer][position][hidden]}: the stream after each block's attention, before its MLP; null
 *                       when not asked for
 */
public record Inspection(int[] tokens, float[][][][] attention, List<List<LensLayer>> lens, float[][][] residual,
                         float[][][] afterAttention) {

    /** Euclidean length of one residual vector. */
    public static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
