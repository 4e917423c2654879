package glassbox.model.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Byte-level BPE, as GPT-2 and Llama 3 use it. Text is split by a regex into pieces (words with
 * their leading space, numbers, punctuation runs, whitespace); each piece becomes its UTF-8
 * bytes (ids 0-255), and learned merges join neighbouring tokens, lowest rank first, until no
 * merge applies. Any string round-trips exactly because every byte has a token.
 *
 * <p>Ids: 0-255 are the bytes, then merged tokens in the order they were learned, and the
 * last {@link SpecialToken#values()} ids are the special tokens.
 */
public final class BpeTokenizer {
    public static final int DEFAULT_VOCAB_SIZE = 4096;
    /** GPT-2's pre-split: contractions, letter runs, digit runs, other symbols, whitespace. */
    public static final String SPLIT_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX);
    private static final Pattern SPECIALS = Pattern.compile(
            String.join("|", Arrays.stream(SpecialToken.values()).map(t -> Pattern.quote(t.text())).toList()));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A merge: the pair it joins (as a key), its rank and the id it produces. */
    private record Merge(int left, int right, int rank, int result) {
    }

    private final byte[][] tokenBytes;
    private final List<Merge> merges;
    private final Map<Long, Merge> mergeByPair = new HashMap<>();
    private final EnumMap<SpecialToken, Integer> specialIds = new EnumMap<>(SpecialToken.class);
    private final Map<String, SpecialToken> specialByText = new HashMap<>();
    private final Map<String, int[]> pieceCache = new ConcurrentHashMap<>();

    private BpeTokenizer(byte[][] tokenBytes, List<Merge> merges) {
        this.tokenBytes = tokenBytes;
        this.merges = List.copyOf(merges);
        for (Merge m : merges) {
            mergeByPair.put(pair(m.left, m.right), m);
        }
        int first = tokenBytes.length - SpecialToken.values().length;
        for (SpecialToken t : SpecialToken.values()) {
            specialIds.put(t, first + t.ordinal());
            specialByText.put(t.text(), t);
        }
    }

    /** Receives training progress: merges learned so far out of the number wanted. */
    public interface Progress {
        void onMerges(int done, int total);
    }

    // ---------------------------------------------------------------- training

    /**
     * Learns merges from the texts until the vocabulary has {@code vocabSize} entries (bytes,
     * merges and special tokens). Special-token spellings in the texts are not learned from.
     * Ties between equally frequent pairs go to the smaller ids, so training is deterministic.
     */
    public static BpeTokenizer train(List<String> texts, int vocabSize, Progress progress) {
        int specials = SpecialToken.values().length;
        if (vocabSize < 256 + specials) {
            throw new IllegalArgumentException("vocab size " + vocabSize + " is too small: the 256 bytes and "
                    + specials + " special tokens need at least " + (256 + specials));
        }
        // Count each distinct piece once; merging works on the distinct pieces, weighted.
        Map<String, Integer> pieceCounts = new HashMap<>();
        for (String text : texts) {
            for (String chunk : SPECIALS.split(text)) {
                Matcher m = SPLIT.matcher(chunk);
                while (m.find()) {
                    pieceCounts.merge(m.group(), 1, Integer::sum);
                }
            }
        }
        List<String> pieces = new ArrayList<>(pieceCounts.keySet());
        pieces.sort(null); // a fixed order keeps training reproducible
        int[][] words = new int[pieces.size()][];
        int[] freq = new int[pieces.size()];
        for (int w = 0; w < words.length; w++) {
            byte[] b = pieces.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                words[w][i] = b[i] & 0xFF;
            }
            freq[w] = pieceCounts.get(pieces.get(w));
        }

        PairStats stats = new PairStats(words, freq);
        List<byte[]> vocab = new ArrayList<>();
        Map<String, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(new byte[] {(byte) b});
            idOfBytes.put(ByteLevel.encode(new byte[] {(byte) b}, 0, 1), b);
        }
        int wanted = vocabSize - specials;
        List<Merge> merges = new ArrayList<>();
        while (vocab.size() < wanted) {
            long best = stats.mostFrequent();
            if (best < 0) {
                throw new IllegalArgumentException("the training text is too small for a vocabulary of " + vocabSize
                        + ": it ran out of pairs at " + (vocab.size() + specials) + " tokens");
            }
            int left = (int) (best >>> 32), right = (int) best;
            byte[] joined = concat(vocab.get(left), vocab.get(right));
            String key = ByteLevel.encode(joined, 0, joined.length);
            // Two different pairs can spell the same bytes ("a"+"bc", "ab"+"c"): they share one id.
            Integer result = idOfBytes.get(key);
            if (result == null) {
                result = vocab.size();
                vocab.add(joined);
                idOfBytes.put(key, result);
            }
            merges.add(new Merge(left, right, merges.size(), result));
            stats.apply(left, right, result);
            if (progress != null) {
                progress.onMerges(vocab.size() - 256, wanted - 256);
            }
        }
        byte[][] all = new byte[vocabSize][];
        for (int i = 0; i < vocab.size(); i++) {
            all[i] = vocab.get(i);
        }
        for (SpecialToken t : SpecialToken.values()) {
            all[wanted + t.ordinal()] = t.text().getBytes(StandardCharsets.UTF_8);
        }
        return new BpeTokenizer(all, merges);
    }

    /** Pair counts over the distinct pieces, updated incrementally as merges are applied. */
    private static final class PairStats {
        private final int[][] words;
        private final int[] freq;
        private final Map<Long, long[]> counts = new HashMap<>();
        private final Map<Long, java.util.Set<Integer>> where = new HashMap<>();

        PairStats(int[][] words, int[] freq) {
            this.words = words;
            this.freq = freq;
            for (int w = 0; w < words.length; w++) {
                add(w, +1);
            }
        }

        private void add(int w, int sign) {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.length; i++) {
                long p = pair(s[i], s[i + 1]);
                counts.computeIfAbsent(p, k -> new long[1])[0] += (long) sign * freq[w];
                if (sign > 0) {
                    where.computeIfAbsent(p, k -> new java.util.HashSet<>()).add(w);
                }
            }
        }

        /** The most frequent pair (ties: smallest left id, then right id), or -1 if none is left. */
        long mostFrequent() {
            long best = -1, bestCount = 0;
            for (Map.Entry<Long, long[]> e : counts.entrySet()) {
                long c = e.getValue()[0];
                if (c > bestCount || (c == bestCount && c > 0 && Long.compareUnsigned(e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            return best;
        }

        void apply(int left, int right, int result) {
            long p = pair(left, right);
            java.util.Set<Integer> affected = where.remove(p);
            counts.remove(p);
            if (affected == null) {
                return;
            }
            for (int w : affected.stream().sorted().toList()) {
                add(w, -1);
                words[w] = mergeAll(words[w], left, right, result);
                add(w, +1);
            }
            counts.values().removeIf(c -> c[0] <= 0);
        }
    }

    private static int[] mergeAll(int[] s, int left, int right, int result) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                out[n++] = result;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes text; special-token spellings in it are treated as ordinary characters. */
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            int[] ids = pieceCache.computeIfAbsent(m.group(), this::encodePiece);
            parts.add(ids);
            total += ids.length;
        }
        return join(parts, total);
    }

    /** Encodes text in which the spellings of special tokens (e.g. {@code <|user|>}) become their ids. */
    public int[] encodeWithSpecials(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        Matcher m = SPECIALS.matcher(text);
        int from = 0;
        while (m.find()) {
            int[] before = encode(text.substring(from, m.start()));
            parts.add(before);
            parts.add(new int[] {id(specialByText.get(m.group()))});
            total += before.length + 1;
            from = m.end();
        }
        int[] rest = encode(text.substring(from));
        parts.add(rest);
        return join(parts, total + rest.length);
    }

    /** The pieces the pre-tokenizer splits text into (what the tokenizer playground shows first). */
    public static List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private int[] encodePiece(String piece) {
        if (pieceCache.size() > 200_000) {
            pieceCache.clear(); // bound memory on long-running servers fed arbitrary text
        }
        byte[] b = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        int n = b.length;
        for (int i = 0; i < n; i++) {
            ids[i] = b[i] & 0xFF;
        }
        while (n > 1) {
            int bestAt = -1;
            Merge best = null;
            for (int i = 0; i + 1 < n; i++) {
                Merge mg = mergeByPair.get(pair(ids[i], ids[i + 1]));
                if (mg != null && (best == null || mg.rank < best.rank)) {
                    best = mg;
                    bestAt = i;
                }
            }
            if (best == null) {
                break;
            }
            ids[bestAt] = best.result;
            System.arraycopy(ids, bestAt + 2, ids, bestAt + 1, n - bestAt - 2);
            n--;
        }
        return Arrays.copyOf(ids, n);
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes ids to text; special tokens appear as their spelling. */
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public StreamDecoder streamDecoder() {
        return new StreamDecoder(this);
    }

    /** The raw bytes of a token (a copy). */
    public byte[] tokenBytes(int id) {
        checkId(id);
        return tokenBytes[id].clone();
    }

    /** A token's bytes as numbers 0-255, the form APIs and traces report them in. */
    public int[] unsignedBytes(int id) {
        checkId(id);
        byte[] b = tokenBytes[id];
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    /** A token as readable text; bytes that are not complete UTF-8 show as {@code <0xNN>}. */
    public String tokenText(int id) {
        checkId(id);
        byte[] b = tokenBytes[id];
        String s = new String(b, StandardCharsets.UTF_8);
        if (Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("<0x%02X>", x & 0xFF));
        }
        return sb.toString();
    }

    public boolean isSpecial(int id) {
        return id >= tokenBytes.length - SpecialToken.values().length && id < tokenBytes.length;
    }

    public int id(SpecialToken token) {
        return specialIds.get(token);
    }

    public int vocabSize() {
        return tokenBytes.length;
    }

    public int mergeCount() {
        return merges.size();
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0-" + (tokenBytes.length - 1) + ")");
        }
    }

    // ---------------------------------------------------------------- files

    /** Writes tokenizer.json (Hugging Face format, Llama-3 style) and tokenizer_config.json. */
    public void save(Path dir) throws IOException {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tokenBytes.length; id++) {
            vocab.putIfAbsent(vocabString(id), id);
        }
        List<String> mergeStrings = merges.stream().map(m -> vocabString(m.left) + " " + vocabString(m.right)).toList();
        List<Map<String, Object>> added = new ArrayList<>();
        for (SpecialToken t : SpecialToken.values()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", id(t));
            a.put("content", t.text());
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", true);
            added.add(a);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocab);
        model.put("merges", mergeStrings);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(
                orderedMap("type", "Split", "pattern", Map.of("Regex", SPLIT_REGEX), "behavior", "Isolated", "invert", false),
                orderedMap("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", false))));
        json.put("post_processor", null);
        json.put("decoder", orderedMap("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        json.put("model", model);
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), json);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("bos_token", SpecialToken.BOS.text());
        config.put("eos_token", SpecialToken.EOS.text());
        config.put("pad_token", SpecialToken.PAD.text());
        config.put("add_bos_token", false);
        config.put("chat_template", ChatFormat.JINJA_TEMPLATE);
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
    }

    /** Reads a tokenizer.json written by {@link #save}. */
    public static BpeTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.exists(file)) {
            throw new IOException("no tokenizer.json in " + dir);
        }
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(file + ": not a BPE tokenizer");
        }
        Map<String, Integer> ids = new HashMap<>();
        int size = 0;
        for (Map.Entry<String, JsonNode> e : model.path("vocab").properties()) {
            ids.put(e.getKey(), e.getValue().asInt());
            size = Math.max(size, e.getValue().asInt() + 1);
        }
        Map<Integer, String> added = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            added.put(a.path("id").asInt(), a.path("content").asText());
            ids.putIfAbsent(a.path("content").asText(), a.path("id").asInt());
            size = Math.max(size, a.path("id").asInt() + 1);
        }
        byte[][] bytes = new byte[size][];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            String special = added.get(e.getValue());
            bytes[e.getValue()] = special != null ? special.getBytes(StandardCharsets.UTF_8) : ByteLevel.decode(e.getKey());
        }
        int firstSpecial = size - SpecialToken.values().length;
        for (SpecialToken t : SpecialToken.values()) {
            Integer id = ids.get(t.text());
            if (id == null || id != firstSpecial + t.ordinal()) {
                throw new IOException(file + ": special token " + t.text() + " is missing or not at id " + (firstSpecial + t.ordinal()));
            }
        }
        for (int i = 0; i < size; i++) {
            if (bytes[i] == null) {
                throw new IOException(file + ": vocabulary has no token with id " + i);
            }
        }
        List<Merge> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            String[] lr = m.isArray() ? new String[] {m.get(0).asText(), m.get(1).asText()} : m.asText().split(" ", 2);
            Integer l = ids.get(lr[0]), r = ids.get(lr[1]), out = ids.get(lr[0] + lr[1]);
            if (l == null || r == null || out == null) {
                throw new IOException(file + ": merge '" + m.asText() + "' refers to tokens not in the vocabulary");
            }
            merges.add(new Merge(l, r, merges.size(), out));
        }
        return new BpeTokenizer(bytes, merges);
    }

    private String vocabString(int id) {
        return isSpecial(id) ? tokenText(id) : ByteLevel.encode(tokenBytes[id], 0, tokenBytes[id].length);
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] join(List<int[]> parts, int total) {
        int[] out = new int[total];
        int pos = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
