package glassbox.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import glassbox.model.train.TrainingConfig;
import glassbox.model.train.TrainingPipeline;
import glassbox.model.train.data.CorpusBuilder;
import glassbox.model.train.data.TrainingDocument;
import glassbox.rag.CourseIndex;
import glassbox.rag.IndexStore;
import glassbox.rag.course.Course;
import glassbox.server.tutor.PromptTemplates;
import glassbox.server.tutor.Tutor;
import glassbox.server.tutor.TutorExamples;
import glassbox.rag.course.CourseFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox train}: tokenizer and model from the course, exported as a Hugging Face directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the BPE tokenizer and the tiny Llama model on the course and export them (HF layout).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", description = "Training config JSON (keys of TrainingConfig; a model's config.json works too).")
    Path config;

    @Option(names = "--course", defaultValue = "course", description = "Course directory (default: ${DEFAULT-VALUE}).")
    Path course;

    @Option(names = "--out", defaultValue = "models/course-tiny", description = "Model directory to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", defaultValue = ".glassbox/train", description = "Checkpoints and metrics.jsonl (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--prompts", defaultValue = "prompts", description = "Prompt templates; the tutor's examples are built with them (default: ${DEFAULT-VALUE}).")
    Path prompts;

    @Option(names = "--index", defaultValue = ".glassbox/index", description = "Course index the tutor's examples retrieve from, rebuilt when the course changes (default: ${DEFAULT-VALUE}).")
    Path index;

    @Option(names = "--examples-out", description = "Also write the tutor's chat examples to this file, one JSON string per line, to read them.")
    Path examplesOut;

    @Option(names = "--steps", description = "Maximum optimizer steps (overrides the config).")
    Integer steps;

    @Option(names = "--seed", description = "Random seed (overrides the config).")
    Long seed;

    @Option(names = "--resume", description = "Continue from the checkpoint in the work directory.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainingConfig c;
        List<TrainingDocument> docs;
        Course parsed;
        PromptTemplates templates;
        try {
            c = config == null ? TrainingConfig.defaults() : TrainingConfig.read(config);
            if (steps != null) {
                c = c.withSteps(steps);
            }
            if (seed != null) {
                c = c.withSeed(seed);
            }
            templates = PromptTemplates.load(prompts);
            parsed = Course.load(course);
            docs = CorpusBuilder.build(CourseTexts.of(parsed));
        } catch (IllegalArgumentException | CourseFormatException | IOException e) {
            System.err.println("glassbox train: " + e.getMessage());
            return 2;
        }
        // Ctrl-C: ask the trainer to stop, then let it write its checkpoint before the JVM exits.
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "glassbox-train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long exampleSeed = c.seed();
            int context = c.contextLength();
            TrainingPipeline.ExampleSource examples = tokenizer -> {
                try (CourseIndex courseIndex = IndexStore.open(parsed, index, System.err)) {
                    List<TrainingDocument> built = new TutorExamples(parsed, new Tutor(courseIndex, templates, tokenizer), context).build(exampleSeed);
                    if (examplesOut != null) {
                        List<String> lines = new java.util.ArrayList<>();
                        for (TrainingDocument d : built) {
                            lines.add(Json.MAPPER.writeValueAsString(d));
                        }
                        java.nio.file.Files.write(examplesOut, lines);
                    }
                    return built;
                }
            };
            var report = TrainingPipeline.run(docs, examples, new TrainingPipeline.Options(c, out, work, resume, out.getFileName().toString()),
                    System.err, stop);
            return report == null ? 130 : 0;
        } catch (IllegalArgumentException e) {
            System.err.println("glassbox train: " + e.getMessage());
            return 2;
        } finally {
            finished.countDown();
        }
    }
}
