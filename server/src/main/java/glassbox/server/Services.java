package glassbox.server;

import java.io.IOException;
import java.io.PrintStream;

import glassbox.model.infer.Engine;
import glassbox.model.infer.EngineOptions;
import glassbox.rag.CourseIndex;
import glassbox.rag.IndexStore;
import glassbox.rag.course.Course;
import glassbox.server.lab.TraceStore;
import glassbox.server.openai.PreparationPool;
import glassbox.server.ops.Metrics;
import glassbox.server.tutor.PromptTemplates;
import glassbox.server.tutor.Tutor;

/**
 * The parts the routes use, loaded once at start-up: model engine, course, index, prompts, traces,
 * metrics, and the bounded pool where requests tokenize and retrieve before they generate.
 */
public record Services(Engine engine, Course course, CourseIndex index, Tutor tutor, TraceStore traces, Metrics metrics,
                       PreparationPool preparation) implements AutoCloseable {

    public static Services load(ServerConfig config, PrintStream progress) throws IOException {
        Course course = Course.load(config.courseDir(), config.modelDir());
        CourseIndex index = IndexStore.open(course, config.indexDir(), progress);
        PromptTemplates prompts = PromptTemplates.load(config.promptsDir());
        progress.println("loading model " + config.modelDir() + "...");
        Engine engine = Engine.load(config.modelDir(),
                new EngineOptions(config.threads(), config.slots(), config.queue(), EngineOptions.defaults().kvBudgetBytes(),
                        config.queueTimeout()));
        TraceStore traces = new TraceStore(TraceStore.DEFAULT_BUDGET_BYTES, config.replicaId());
        return new Services(engine, course, index, new Tutor(index, prompts, engine.tokenizer()), traces,
                new Metrics(engine::stats, traces), new PreparationPool(Runtime.getRuntime().availableProcessors(), PreparationPool.DEFAULT_QUEUE,
                PreparationPool.DEFAULT_DEADLINE));
    }

    @Override
    public void close() throws IOException {
        preparation.close();
        metrics.close();
        engine.close();
        index.close();
    }
}
