package glassbox.rag;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * Text to a unit-length meaning vector, for semantic search: all-MiniLM-L6-v2 (quantized, 384
 * dimensions), a sentence-embedding model trained so that a question and the passage answering
 * it get nearby vectors even when they share no word ("how long is a vector" / "its norm").
 * It runs in-process (ONNX Runtime, from the Maven artifact; nothing is downloaded). The model
 * is loaded once per process: {@link #shared()}.
 *
 * <p>The model file and tokenizer are the artifact's own, with mean pooling as the artifact uses;
 * only the ONNX Runtime session is ours, set to compute each text on the calling thread: one
 * intra-op thread, no spinning. The artifact's default session splits every short query over a
 * thread pool whose threads spin while they wait; on a shared 2-core machine that cost 2 to 3
 * times the wall time for the same work ({@code rag-index/README.md}, "Speed"). Many texts
 * ({@link #encodeAll}) still run in parallel, one text per thread.
 */
public final class SentenceEncoder {
    /** Recorded with the index, so an index built with another encoder is rebuilt. */
    public static final String NAME = "all-minilm-l6-v2-q";
    public static final int DIMENSIONS = 384;
    /** The artifact's files, at the root of its jar. */
    static final String MODEL_FILE = "/all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_FILE = "/all-minilm-l6-v2-q-tokenizer.json";

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
        static final SentenceEncoder ENCODER = new SentenceEncoder(load());
    }

    /** The artifact's model and tokenizer in a session that computes on the caller's thread. */
    private static EmbeddingModel load() {
        // A class literal does not run the artifact's static initialiser, which would load the model a second time.
        Class<?> artifact = AllMiniLmL6V2QuantizedEmbeddingModel.class;
        try (InputStream model = artifact.getResourceAsStream(MODEL_FILE); InputStream tokenizer = artifact.getResourceAsStream(TOKENIZER_FILE)) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            // Kept open: the session lives as long as the process.
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = env.createSession(model.readAllBytes(), options);
            return new InProcess(new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the sentence encoder " + NAME, e);
        }
    }

    /** langchain4j's in-process model over our session: its embed and embedAll (one text per pool thread). */
    private static final class InProcess extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder bert;

        InProcess(OnnxBertBiEncoder bert) {
            super(null);   // null: langchain4j's default executor for embedAll
            this.bert = bert;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return bert;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }

    /**
     * The whole words of the encoder's vocabulary (its 30,522 wordpieces without the "##" word
     * parts): about 20,000 common English words, lower case. {@link QuerySpelling} reads a word
     * found here as spelt right even when the course never uses it ("printer", "yesterday").
     * Read from the tokenizer file once per process, however many callers ask.
     */
    public static Set<String> wholeWords() {
        return WholeWords.SET;
    }

    /** Loaded on first use, once (the JVM's class initialisation does the locking). */
    private static final class WholeWords {
        static final Set<String> SET = readWholeWords();
    }

    private static Set<String> readWholeWords() {
        try (InputStream tokenizer = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(TOKENIZER_FILE)) {
            JsonNode vocab = new ObjectMapper().readTree(tokenizer).path("model").path("vocab");
            Set<String> words = new HashSet<>();
            vocab.fieldNames().forEachRemaining(piece -> {
                if (piece.chars().allMatch(Character::isLetter)) {
                    words.add(piece);
                }
            });
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
