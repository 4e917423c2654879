package glassbox.model.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;

import glassbox.model.export.ModelExporter;
import glassbox.model.export.TrainingReport;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.data.TrainingDocument;

/**
 * From documents to an exported model directory: split by document group, train the BPE
 * tokenizer on the training side, encode, train the transformer, export the best weights.
 */
public final class TrainingPipeline {
    /** Where to write and whether to continue from the work directory's checkpoint. */
    public record Options(TrainingConfig config, Path outDir, Path workDir, boolean resume, String modelName) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingPipeline() {
    }

    /**
     * Builds chat examples once the tokenizer exists (the tutor sizes its prompts in tokens), so
     * the examples see exactly the prompts the server will build with this model's tokenizer.
     */
    public interface ExampleSource {
        List<TrainingDocument> examples(BpeTokenizer tokenizer) throws IOException;
    }

    /** Returns the report, or null when the run was interrupted (a checkpoint was saved). */
    public static TrainingReport run(List<TrainingDocument> courseDocs, ExampleSource exampleSource, Options o, PrintStream log,
                                     AtomicBoolean stop) throws IOException {
        TrainingConfig config = o.config();
        if (courseDocs.isEmpty()) {
            throw new IllegalArgumentException("no training documents: the course is empty");
        }
        ModelExporter.checkServable(config.model());

        // The tokenizer learns from the course text itself, not from the chat examples that repeat it.
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "tokenizer: training byte-level BPE (vocab %d) on %d documents...%n", config.vocabSize(), courseDocs.size());
        BpeTokenizer tokenizer = BpeTokenizer.train(courseDocs.stream().map(TrainingDocument::text).toList(), config.vocabSize(), null);
        double tokenizerSeconds = (System.nanoTime() - t0) / 1e9;
        List<TrainingDocument> docs = new ArrayList<>(courseDocs);
        List<TrainingDocument> examples = exampleSource.examples(tokenizer);
        docs.addAll(examples);
        log.printf(Locale.ROOT, "examples: %,d chat examples built in %.1f s%n", examples.size(), (System.nanoTime() - t0) / 1e9 - tokenizerSeconds);

        String corpusHash = hash(docs);
        Files.createDirectories(o.workDir());
        Path checkpointFile = o.workDir().resolve("checkpoint.bin");
        Path hashFile = o.workDir().resolve("corpus.sha256");
        Checkpoint resume = null;
        if (o.resume()) {
            if (!Files.exists(checkpointFile)) {
                throw new IllegalArgumentException("--resume: no checkpoint at " + checkpointFile);
            }
            if (!Files.exists(hashFile) || !Files.readString(hashFile).strip().equals(corpusHash)) {
                throw new IllegalArgumentException("--resume: the course changed since the checkpoint was written; train from scratch");
            }
            resume = Checkpoint.load(checkpointFile);
            if (!resume.config().equals(config)) {
                log.println("resuming with the checkpoint's own config (it differs from the one given)");
                config = resume.config();
            }
        }
        Files.writeString(hashFile, corpusHash);

        Split split = split(docs, config);
        List<TrainingDocument> train = split.train(), validation = split.validation();
        TokenDataset.Stream trainStream = encode(tokenizer, train);
        TokenDataset.Stream valStream = encode(tokenizer, validation);
        int[] trainTokens = trainStream.tokens();
        int[] valTokens = valStream.tokens();
        log.printf(Locale.ROOT, "tokenizer: %.1f s; %,d train tokens, %,d validation tokens (%d held-out groups)%n",
                tokenizerSeconds, trainTokens.length, valTokens.length, validation.stream().map(TrainingDocument::group).distinct().count());

        TokenDataset data = new TokenDataset(trainStream, valStream, config.seqLen());
        log.printf(Locale.ROOT, "model: %,d parameters, batch %d x %d tokens, up to %d steps, %d threads%n",
                config.model().parameterCount(), config.batchSize(), config.seqLen(), config.maxSteps(), config.threads());
        Path metrics = o.workDir().resolve("metrics.jsonl");
        if (!o.resume()) {
            Files.deleteIfExists(metrics);
        }
        ProgressBar bar = new ProgressBar(log);
        try (Writer metricsOut = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            TrainingListener listener = (p, max, s) -> {
                bar.onStep(p, max, s);
                try {
                    metricsOut.write(JSON.writeValueAsString(p) + "\n");
                    metricsOut.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            TrainingResult result = new Trainer(config, data, checkpointFile, listener).run(resume, stop);
            bar.finish();
            if (result.interrupted()) {
                log.println("interrupted: checkpoint saved to " + checkpointFile + " (continue with --resume)");
                return null;
            }
            List<CurvePoint> curve = result.curve();
            double tps = curve.stream().mapToDouble(CurvePoint::tokensPerSecond).skip(Math.min(5, curve.size() - 1)).average().orElse(0);
            TrainingReport report = new TrainingReport(o.modelName(), config, config.seed(), config.model().parameterCount(),
                    result.stepsDone(), result.tokensSeen(), trainTokens.length, valTokens.length, train.size(),
                    validation.stream().map(TrainingDocument::id).toList(), result.bestValLoss(),
                    curve.get(curve.size() - 1).trainLoss(), result.stoppedEarly(), result.wallSeconds(), tps, corpusHash,
                    tokenizerSeconds, Runtime.version().toString(), curve);
            ModelExporter.export(o.outDir(), result.bestWeights(), tokenizer, report);
            log.printf(Locale.ROOT, "wrote %s: best validation loss %.3f after %d steps (%s)%n", o.outDir(), result.bestValLoss(),
                    result.stepsDone(), result.stoppedEarly() ? "stopped early" : "max steps");
            return report;
        }
    }

    /** The documents trained on and the ones held out for validation. */
    public record Split(List<TrainingDocument> train, List<TrainingDocument> validation) {
    }

    /**
     * Splits by document group ({@link #isValidation}); with nothing held out, the last document
     * becomes the validation set. Public so the lab can show exactly what a run held out.
     */
    public static Split split(List<TrainingDocument> docs, TrainingConfig config) {
        List<TrainingDocument> train = new ArrayList<>(), validation = new ArrayList<>();
        for (TrainingDocument d : docs) {
            (d.group() != null && isValidation(d.group(), config) ? validation : train).add(d);
        }
        if (validation.isEmpty()) {
            validation.add(train.remove(train.size() - 1));
        }
        return new Split(train, validation);
    }

    /** Deterministic split by group name: the same course and seed always hold out the same lessons. */
    static boolean isValidation(String group, TrainingConfig config) {
        long h = group.hashCode() * 0x9E3779B97F4A7C15L + config.seed();
        h ^= (h >>> 31);
        h *= 0xBF58476D1CE4E5B9L;
        h ^= (h >>> 29);
        return Math.floorMod(h, 10_000) < config.validationFraction() * 10_000;
    }

    /** Plain text offers a window start every this many tokens, each chat example one: about a third of the windows are course text. */
    static final int PLAIN_TEXT_STRIDE = 64;

    /**
     * Documents to one token stream. Plain text: every token is a target and a window may start
     * every {@link #PLAIN_TEXT_STRIDE} tokens. Chat: only the assistant's turns (through their
     * {@code <|end|>}) are targets, and windows start at the example's first token, so the model learns to answer from the whole
     * prompt rather than to predict the prompt itself. Public so the lab can show the exact loss mask training used.
     */
    public static TokenDataset.Stream encode(BpeTokenizer tokenizer, List<TrainingDocument> docs) {
        int bos = tokenizer.id(SpecialToken.BOS), eos = tokenizer.id(SpecialToken.EOS);
        int assistant = tokenizer.id(SpecialToken.ASSISTANT), end = tokenizer.id(SpecialToken.END);
        IntList tokens = new IntList(), starts = new IntList();
        java.util.BitSet targets = new java.util.BitSet();
        for (TrainingDocument d : docs) {
            int first = tokens.size();
            if (!d.chat()) {
                tokens.add(bos);   // chat text already starts each conversation with <|bos|>
            }
            int[] ids = d.chat() ? ChatFormat.encode(tokenizer, d.messages(), false) : tokenizer.encode(d.text());
            boolean answering = false;
            for (int id : ids) {
                if (!d.chat() || answering) {
                    targets.set(tokens.size());
                }
                tokens.add(id);
                if (d.chat()) {
                    answering = id == assistant || (answering && id != end);
                }
            }
            if (!d.chat()) {
                targets.set(tokens.size());
            }
            tokens.add(eos);
            if (d.chat()) {
                starts.add(first);
            } else {
                for (int i = first; i < tokens.size(); i += PLAIN_TEXT_STRIDE) {
                    starts.add(i);
                }
            }
        }
        return new TokenDataset.Stream(tokens.toArray(), targets, starts.toArray());
    }

    /** A growable int array (the corpus has millions of tokens; boxing them would triple the memory). */
    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int x) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = x;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** The corpus hash training.json records: SHA-256 over every document's id and text, in order. */
    public static String hash(List<TrainingDocument> docs) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (TrainingDocument d : docs) {
                md.update(d.id().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(d.text().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
