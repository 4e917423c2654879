package glassbox.model.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Everything needed to continue a run exactly: weights, optimizer moments, the best weights so
 * far and the curve. Written to a temporary file and moved into place, so an interrupted save
 * never leaves a broken checkpoint.
 */
public record Checkpoint(TrainingConfig config, int nextStep, long adamStep, float[] weights, float[] m, float[] v,
                         float[] bestWeights, float bestValLoss, int evalsSinceBest, long tokensSeen,
                         double secondsSoFar, List<CurvePoint> curve) {
    private static final int MAGIC = 0x47424B31; // "GBK1"
    private static final ObjectMapper JSON = new ObjectMapper();

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeUTF(JSON.writeValueAsString(config));
            out.writeInt(nextStep);
            out.writeLong(adamStep);
            writeArray(out, weights);
            writeArray(out, m);
            writeArray(out, v);
            writeArray(out, bestWeights);
            out.writeFloat(bestValLoss);
            out.writeInt(evalsSinceBest);
            out.writeLong(tokensSeen);
            out.writeDouble(secondsSoFar);
            byte[] curveJson = JSON.writeValueAsBytes(curve);
            out.writeInt(curveJson.length);
            out.write(curveJson);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Checkpoint load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a Glassbox checkpoint");
            }
            TrainingConfig config = JSON.readValue(in.readUTF(), TrainingConfig.class);
            int nextStep = in.readInt();
            long adamStep = in.readLong();
            float[] w = readArray(in), m = readArray(in), v = readArray(in), best = readArray(in);
            float bestVal = in.readFloat();
            int since = in.readInt();
            long tokens = in.readLong();
            double seconds = in.readDouble();
            byte[] curveJson = in.readNBytes(in.readInt());
            List<CurvePoint> curve = JSON.readValue(curveJson, new TypeReference<List<CurvePoint>>() { });
            return new Checkpoint(config, nextStep, adamStep, w, m, v, best, bestVal, since, tokens, seconds, new ArrayList<>(curve));
        }
    }

    private static void writeArray(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(a.length * 4);
        buf.asFloatBuffer().put(a);
        out.write(buf.array());
    }

    private static float[] readArray(DataInputStream in) throws IOException {
        int n = in.readInt();
        byte[] bytes = in.readNBytes(n * 4);
        float[] a = new float[n];
        java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(a);
        return a;
    }
}
