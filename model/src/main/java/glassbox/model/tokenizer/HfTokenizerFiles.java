package glassbox.model.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import glassbox.model.tokenizer.Vocabulary.Merge;

/**
 * The Hugging Face files of a tokenizer: {@code tokenizer.json} (vocabulary, merges, special
 * tokens, pre-tokenizer; Llama-3 style byte-level BPE) and {@code tokenizer_config.json} (bos/eos,
 * chat template). Tokens are stored as strings of {@link ByteLevel} characters.
 */
final class HfTokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfTokenizerFiles() {
    }

    static void save(Vocabulary vocab, Path dir) throws IOException {
        Map<String, Object> ids = new LinkedHashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            ids.putIfAbsent(vocabString(vocab, id), id);
        }
        List<String> mergeStrings = vocab.merges().stream()
                .map(m -> vocabString(vocab, m.left()) + " " + vocabString(vocab, m.right())).toList();
        List<Map<String, Object>> added = new ArrayList<>();
        for (SpecialToken t : SpecialToken.values()) {
            added.add(orderedMap("id", vocab.id(t), "content", t.text(), "single_word", false, "lstrip", false,
                    "rstrip", false, "normalized", false, "special", true));
        }
        Map<String, Object> model = orderedMap("type", "BPE", "dropout", null, "unk_token", null,
                "continuing_subword_prefix", null, "end_of_word_suffix", null, "fuse_unk", false, "byte_fallback", false,
                "ignore_merges", false, "vocab", ids, "merges", mergeStrings);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", orderedMap("type", "Sequence", "pretokenizers", List.of(
                orderedMap("type", "Split", "pattern", Map.of("Regex", PreTokenizer.SPLIT_REGEX), "behavior", "Isolated", "invert", false),
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
    static Vocabulary load(Path dir) throws IOException {
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
        return new Vocabulary(bytes, merges);
    }

    /** How a token is spelled in tokenizer.json: special tokens as themselves, the rest as byte-level characters. */
    private static String vocabString(Vocabulary vocab, int id) {
        byte[] b = vocab.bytes(id);
        return vocab.isSpecial(id) ? new String(b, StandardCharsets.UTF_8) : ByteLevel.encode(b, 0, b.length);
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
