package glassbox.model.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.ModelConfig;
import glassbox.model.train.Weights;

/**
 * Writes a Hugging Face model directory: config.json, model.safetensors (F32), tokenizer
 * files, generation_config.json, training.json, loss-curve.svg and the model card README.md.
 * Everything is written into a temporary sibling directory that is renamed into place at the
 * end, so a failed export never leaves a half-written model behind.
 */
public final class ModelExporter {
    private ModelExporter() {
    }

    public static void export(Path outDir, Weights weights, BpeTokenizer tokenizer, TrainingReport report) throws IOException {
        checkServable(weights.config);
        Path parent = outDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + outDir.getFileName() + ".tmp-");
        try {
            writeInto(tmp, weights, tokenizer, report);
            if (Files.exists(outDir)) {
                deleteRecursively(outDir);
            }
            Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /**
     * jlama's vector kernels work on whole SIMD lanes: a hidden or feed-forward width that is not
     * a multiple of 8 floats fails inside jlama at the first forward pass. Refuse such shapes
     * before hours of training are spent on them.
     */
    public static void checkServable(ModelConfig c) {
        if (c.hiddenSize() % 8 != 0 || c.intermediateSize() % 8 != 0) {
            throw new IllegalArgumentException("hidden_size (" + c.hiddenSize() + ") and intermediate_size (" + c.intermediateSize()
                    + ") must be multiples of 8 so that jlama can serve the model");
        }
    }

    static void writeInto(Path dir, Weights weights, BpeTokenizer tokenizer, TrainingReport report) throws IOException {
        ModelConfig c = weights.config;
        int bos = tokenizer.id(SpecialToken.BOS), eos = tokenizer.id(SpecialToken.EOS), pad = tokenizer.id(SpecialToken.PAD);
        HfConfig.write(dir, c, bos, eos, pad);
        Safetensors.writeF32(dir.resolve("model.safetensors"), WeightsIo.toHf(weights), Map.of("format", "pt"));
        tokenizer.save(dir);
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("bos_token_id", bos);
        // <|end|> closes an assistant turn, <|eos|> a document: both end a generation.
        generation.put("eos_token_id", List.of(eos, tokenizer.id(SpecialToken.END)));
        generation.put("pad_token_id", pad);
        generation.put("do_sample", true);
        generation.put("temperature", 0.8);
        generation.put("top_k", 40);
        generation.put("top_p", 0.9);
        generation.put("max_new_tokens", 256);
        HfConfig.JSON.writeValue(dir.resolve("generation_config.json").toFile(), generation);
        HfConfig.JSON.writeValue(dir.resolve("training.json").toFile(), report);
        Files.writeString(dir.resolve("loss-curve.svg"), LossCurveSvg.render(report.curve(), "course-tiny: loss per token"));
        Files.writeString(dir.resolve("README.md"), ModelCard.render(c, report));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
