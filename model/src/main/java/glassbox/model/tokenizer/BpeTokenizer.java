package glassbox.model.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Byte-level BPE, as GPT-2 and Llama 3 use it. Text is split by a regex into pieces (words with
 * their leading space, numbers, punctuation runs, whitespace); each piece becomes its UTF-8
 * bytes (ids 0-255), and learned merges join neighbouring tokens, lowest rank first, until no
 * merge applies. Any string round-trips exactly because every byte has a token.
 *
 * <p>This class is the front door; each job has its own class: {@link BpeTrainer} learns the
 * merges, {@link BpeEncoder} encodes, {@link BpeDecoder} decodes and {@link HfTokenizerFiles}
 * reads and writes the Hugging Face files. Chat messages are encoded by {@link ChatFormat#encode}.
 *
 * <p>Ids: 0-255 are the bytes, then merged tokens in the order they were learned, and the
 * last {@link SpecialToken#values()} ids are the special tokens.
 */
public final class BpeTokenizer {
    public static final int DEFAULT_VOCAB_SIZE = 4096;
    /** GPT-2's pre-split: contractions, letter runs, digit runs, other symbols, whitespace. */
    public static final String SPLIT_REGEX = PreTokenizer.SPLIT_REGEX;

    /** Receives training progress: merges learned so far out of the number wanted. */
    public interface Progress {
        void onMerges(int done, int total);
    }

    private final Vocabulary vocab;
    private final BpeEncoder encoder;
    private final BpeDecoder decoder;

    private BpeTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.encoder = new BpeEncoder(vocab, new PieceCache(BpeEncoder.CACHE_BYTES));
        this.decoder = new BpeDecoder(vocab);
    }

    /**
     * Learns merges from the texts until the vocabulary has {@code vocabSize} entries (bytes,
     * merges and special tokens); see {@link BpeTrainer}.
     */
    public static BpeTokenizer train(List<String> texts, int vocabSize, Progress progress) {
        return new BpeTokenizer(BpeTrainer.train(texts, vocabSize, progress));
    }

    /** Reads a tokenizer.json written by {@link #save}. */
    public static BpeTokenizer load(Path dir) throws IOException {
        return new BpeTokenizer(HfTokenizerFiles.load(dir));
    }

    /** Writes tokenizer.json (Hugging Face format, Llama-3 style) and tokenizer_config.json. */
    public void save(Path dir) throws IOException {
        HfTokenizerFiles.save(vocab, dir);
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes text; special-token spellings in it are treated as ordinary characters. */
    public int[] encode(String text) {
        return encoder.encode(text);
    }

    /**
     * Encodes text in which the spellings of special tokens (e.g. {@code <|user|>}) become their
     * ids: for the tokenizer playground only. Never for message text a client sent (anyone could
     * type {@code <|system|>}): encode conversations with {@link ChatFormat#encode}.
     */
    public int[] encodeWithSpecials(String text) {
        return encoder.encodeWithSpecials(text);
    }

    /**
     * One merge while encoding a piece: the tokens at {@code index} and {@code index + 1} of the
     * piece's current token list, {@code left} and {@code right}, became {@code result}, by the
     * merge of this {@code rank} (the order it was learned in; lower ranks apply first).
     */
    public record MergeStep(int rank, int index, int left, int right, int result) {
    }

    /** A pre-token piece: its text, its UTF-8 bytes (the starting ids 0-255), the merges in the order they applied, and its ids. */
    public record PieceMerges(String piece, int[] bytes, List<MergeStep> steps, int[] ids) {
    }

    /**
     * How {@link #encode} reaches its ids, merge by merge, for each piece of the text (computed by
     * the encoder itself, so replaying the steps gives exactly its ids). Costs O(n²) for a piece of
     * n bytes: for short texts only (the tokenizer lesson's stepper).
     */
    public List<PieceMerges> mergeSteps(String text) {
        return encoder.mergeSteps(text);
    }

    /** The pieces the pre-tokenizer splits text into (what the tokenizer playground shows first). */
    public static List<String> preTokenize(String text) {
        return PreTokenizer.split(text);
    }

    /** Estimated bytes held by the cache of encoded pieces (bounded by {@link BpeEncoder#CACHE_BYTES}). */
    public long pieceCacheBytes() {
        return encoder.cache().bytes();
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes ids to text; special tokens appear as their spelling. */
    public String decode(int[] ids) {
        return decoder.decode(ids);
    }

    public StreamDecoder streamDecoder() {
        return new StreamDecoder(this);
    }

    /** The raw bytes of a token (a copy). */
    public byte[] tokenBytes(int id) {
        return vocab.bytes(id).clone();
    }

    /** A token's bytes as numbers 0-255, the form APIs and traces report them in. */
    public int[] unsignedBytes(int id) {
        return decoder.unsignedBytes(id);
    }

    /** A token as readable text; bytes that are not complete UTF-8 show as {@code <0xNN>}. */
    public String tokenText(int id) {
        return decoder.tokenText(id);
    }

    // ---------------------------------------------------------------- vocabulary

    /** The vocabulary itself (for the tests' reference encoder). */
    Vocabulary vocabulary() {
        return vocab;
    }

    public boolean isSpecial(int id) {
        return vocab.isSpecial(id);
    }

    public int id(SpecialToken token) {
        return vocab.id(token);
    }

    public int vocabSize() {
        return vocab.size();
    }

    public int mergeCount() {
        return vocab.merges().size();
    }
}
