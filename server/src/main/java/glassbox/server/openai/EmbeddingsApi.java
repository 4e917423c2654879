package glassbox.server.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.infer.Engine;
import glassbox.server.ApiError;
import glassbox.server.RequestBody;
import glassbox.server.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * {@code POST /v1/embeddings} in the OpenAI shape. An input's embedding is course-tiny's final-normed
 * hidden state averaged over the input's positions and scaled to length 1 ({@link Engine#embedding}),
 * 256 numbers, so cosine similarity is a plain dot product. Inputs: a string, an array of strings,
 * or token ids (one array, or an array of arrays), as OpenAI accepts them. {@code encoding_format}
 * {@code float} (default) or {@code base64} (little-endian float32, what the official SDKs ask for).
 */
public final class EmbeddingsApi {
    static final int MAX_INPUTS = 64;
    static final int MAX_INPUT_CHARS = 20_000;
    /** All inputs of one request together: 16 full contexts, a few seconds of prefill on a laptop. */
    static final int MAX_TOTAL_TOKENS = 8_192;

    private final Engine engine;

    public EmbeddingsApi(Services services) {
        this.engine = services.engine();
    }

    public void register(Javalin app) {
        app.post("/v1/embeddings", this::embeddings);
    }

    private void embeddings(Context ctx) {
        Fields f = new Fields(RequestBody.json(ctx));
        String model = f.string("model", null);
        if (model == null) {
            throw ApiError.invalid("You must provide a model parameter: '" + engine.info().name() + "'.", "model");
        }
        if (model.equals(OpenAiApi.TUTOR)) {
            throw ApiError.invalid("The model '" + model + "' does not make embeddings; use '" + engine.info().name() + "'.", "model",
                    "model_not_supported");
        }
        if (!model.equals(engine.info().name())) {
            throw new ApiError(404, "invalid_request_error", "The model '" + model + "' does not exist. Embeddings come from '"
                    + engine.info().name() + "'.", "model", "model_not_found", null);
        }
        String format = f.string("encoding_format", "float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiError.invalid("'encoding_format' must be 'float' or 'base64', got '" + format + "'.", "encoding_format");
        }
        Integer dims = f.integer("dimensions", null, 1, Integer.MAX_VALUE);
        if (dims != null && dims != engine.info().hiddenSize()) {
            throw ApiError.invalid("'dimensions' must be " + engine.info().hiddenSize() + " for " + model + " (its hidden size), got " + dims + ".",
                    "dimensions");
        }
        f.string("user", null);   // accepted and ignored, as a type check
        List<int[]> inputs = inputs(f.node("input"));
        long total = inputs.stream().mapToLong(ids -> ids.length).sum();
        if (total > MAX_TOTAL_TOKENS) {
            throw ApiError.invalid("The inputs are " + total + " tokens together; one request may embed at most " + MAX_TOTAL_TOKENS + ".", "input",
                    "too_many_tokens");
        }
        List<Map<String, Object>> data = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] e = engine.embedding(inputs.get(i));
            tokens += inputs.get(i).length;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("object", "embedding");
            d.put("index", i);
            d.put("embedding", format.equals("base64") ? base64(e) : e);
            data.add(d);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", data);
        out.put("model", model);
        out.put("usage", Map.of("prompt_tokens", tokens, "total_tokens", tokens));
        ctx.json(out);
    }

    /** Every input as token ids, each refused when empty or longer than the context. */
    List<int[]> inputs(JsonNode input) {
        if (input == null) {
            throw ApiError.invalid("You must provide an input: a string or an array of strings.", "input");
        }
        List<int[]> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(encode(input.asText(), 0));
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber()) {
            out.add(ids(input, 0));
        } else if (input.isArray() && !input.isEmpty()) {
            if (input.size() > MAX_INPUTS) {
                throw ApiError.invalid("'input' may hold at most " + MAX_INPUTS + " items, got " + input.size() + ".", "input");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (item.isTextual()) {
                    out.add(encode(item.asText(), i));
                } else if (item.isArray()) {
                    out.add(ids(item, i));
                } else {
                    throw ApiError.invalid("input[" + i + "] must be a string (or an array of token ids), got " + Fields.kind(item) + ".", "input",
                            "invalid_type");
                }
            }
        } else {
            throw ApiError.invalid("'input' must be a non-empty string or a non-empty array of strings, got "
                    + (input.isArray() ? "an empty array" : Fields.kind(input)) + ".", "input", input.isArray() ? null : "invalid_type");
        }
        return out;
    }

    private int[] encode(String text, int index) {
        if (text.isEmpty()) {
            throw ApiError.invalid("input[" + index + "] is empty: there is nothing to embed.", "input");
        }
        if (text.length() > MAX_INPUT_CHARS) {
            throw tooLong(index, text.length() + " characters");
        }
        return fits(engine.tokenizer().encode(text), index);
    }

    private int[] ids(JsonNode array, int index) {
        int vocab = engine.info().vocabSize();
        if (array.isEmpty()) {
            throw ApiError.invalid("input[" + index + "] is an empty list of tokens.", "input");
        }
        if (array.size() > engine.info().contextLength()) {
            throw tooLong(index, array.size() + " tokens");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= vocab) {
                throw ApiError.invalid("input[" + index + "][" + i + "] = " + id + " is not a token id (0.." + (vocab - 1) + ").", "input");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    private int[] fits(int[] ids, int index) {
        if (ids.length > engine.info().contextLength()) {
            throw tooLong(index, ids.length + " tokens");
        }
        return ids;
    }

    private ApiError tooLong(int index, String size) {
        return ApiError.invalid("input[" + index + "] is " + size + "; " + engine.info().name() + " reads at most "
                + engine.info().contextLength() + " tokens.", "input", "context_length_exceeded");
    }

    private static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
