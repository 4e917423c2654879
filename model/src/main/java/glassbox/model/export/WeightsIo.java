package glassbox.model.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import glassbox.model.train.Kernels;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.Weights;

/**
 * Converts between the trainer's flat weights and Hugging Face tensors: linear layers are
 * transposed from the trainer's {@code [in, out]} to HF's {@code [out, in]}; the output head
 * is tied, so no {@code lm_head.weight} is written (jlama then uses the embedding).
 */
public final class WeightsIo {
    private WeightsIo() {
    }

    public static List<Safetensors.Tensor> toHf(Weights w) {
        List<Safetensors.Tensor> out = new ArrayList<>();
        for (Weights.Slice s : w.slices) {
            float[] data = new float[s.size()];
            long[] shape;
            if (s.linear()) {
                Kernels.transpose(w.data, s.offset(), data, 0, s.rows(), s.cols());
                shape = new long[]{s.cols(), s.rows()};
            } else {
                System.arraycopy(w.data, s.offset(), data, 0, s.size());
                shape = s.rows() == 1 ? new long[]{s.cols()} : new long[]{s.rows(), s.cols()};
            }
            out.add(new Safetensors.Tensor(s.name(), shape, data));
        }
        return out;
    }

    public static Weights fromHf(ModelConfig config, Map<String, Safetensors.Tensor> tensors) throws IOException {
        Weights w = new Weights(config);
        for (Weights.Slice s : w.slices) {
            Safetensors.Tensor t = tensors.get(s.name());
            if (t == null) {
                throw new IOException("model.safetensors has no tensor " + s.name());
            }
            if (t.data().length != s.size()) {
                throw new IOException(s.name() + " has " + t.data().length + " values, expected " + s.size());
            }
            if (s.linear()) {
                Kernels.transpose(t.data(), 0, w.data, s.offset(), s.cols(), s.rows());
            } else {
                System.arraycopy(t.data(), 0, w.data, s.offset(), s.size());
            }
        }
        return w;
    }

    public static Weights load(Path modelDir) throws IOException {
        return fromHf(HfConfig.read(modelDir), Safetensors.readF32(modelDir.resolve("model.safetensors")));
    }
}
