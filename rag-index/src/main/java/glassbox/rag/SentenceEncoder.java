package glassbox.rag;

import java.util.List;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * Text to a unit-length meaning vector, for semantic search: all-MiniLM-L6-v2 (quantized, 384
 * dimensions), a sentence-embedding model trained so that a question and the passage answering
 * it get nearby vectors even when they share no word ("how long is a vector" / "its norm").
 * It runs in-process (ONNX Runtime, from the Maven artifact; nothing is downloaded). The model
 * is loaded once per process: {@link #shared()}.
 */
public final class SentenceEncoder {
    /** Recorded with the index, so an index built with another encoder is rebuilt. */
    public static final String NAME = "all-minilm-l6-v2-q";
    public static final int DIMENSIONS = 384;

    private final EmbeddingModel model;

    private SentenceEncoder(EmbeddingModel model) {
        this.model = model;
    }

    /** The process-wide encoder (loading the model takes about a second). */
    public static SentenceEncoder shared() {
        return Shared.ENCODER;
    }

    /** Loaded on first use, once (the JVM's class initialisation does the locking). */
    private static final class Shared {
        static final SentenceEncoder ENCODER = new SentenceEncoder(new AllMiniLmL6V2QuantizedEmbeddingModel());
    }

    /** [384], length 1: dot products of two encodings are their cosine similarity. */
    public float[] encode(String text) {
        return model.embed(text).content().vector();
    }

    /** One vector per text, in order (encoded in parallel). */
    public List<float[]> encodeAll(List<String> texts) {
        return model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList();
    }
}
