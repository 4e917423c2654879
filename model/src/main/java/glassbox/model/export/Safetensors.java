package glassbox.model.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
 * tensor name to its dtype, shape and byte range, then the raw little-endian data.
 */
public final class Safetensors {
    /** A named F32 tensor in Hugging Face layout. */
    public record Tensor(String name, long[] shape, float[] data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    public static void writeF32(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = 4L * t.data().length;
            header.put(t.name(), Map.of("dtype", "F32", "shape", t.shape(), "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;   // keep the data 8-byte aligned, padding with spaces
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) {
                out.write(' ');
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                for (float f : t.data()) {
                    if (buf.remaining() < 4) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putFloat(f);
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** Reads every F32 tensor of a file (the export's own format; other dtypes are refused). */
    public static Map<String, Tensor> readF32(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = bb.getLong();
        if (headerLen <= 0 || headerLen > all.length - 8) {
            throw new IOException(file + ": not a safetensors file");
        }
        JsonNode header = JSON.readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
        int base = 8 + (int) headerLen;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            if (!"F32".equals(t.path("dtype").asText())) {
                throw new IOException(file + ": tensor " + e.getKey() + " is " + t.path("dtype").asText() + ", only F32 is supported");
            }
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
            }
            long from = t.path("data_offsets").get(0).asLong(), to = t.path("data_offsets").get(1).asLong();
            float[] data = new float[(int) ((to - from) / 4)];
            bb.position(base + (int) from);
            bb.asFloatBuffer().get(data);
            out.put(e.getKey(), new Tensor(e.getKey(), shape, data));
        }
        return out;
    }
}
