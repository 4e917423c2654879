package glassbox.model.infer;

/**
 * Receives the residual stream as the model computes it, so traces can be built without forking
 * jlama: the input of every layer at every position, and the final hidden state.
 */
interface LayerCapture {
    /** {@code hidden} is a fresh copy; the receiver may keep it. */
    void layerInput(int layer, int position, float[] hidden);

    void finalOutput(int position, float[] hidden);
}
