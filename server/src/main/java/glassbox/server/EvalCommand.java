package glassbox.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import glassbox.server.eval.AnswerScore;
import glassbox.server.eval.DevQuestion;
import glassbox.server.eval.EvalRecord;
import glassbox.server.eval.EvalSummary;
import glassbox.server.eval.TutorEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox eval}: the tutor's answer quality on a question set, asked through the real API. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Ask the tutor every question of a set through /v1/chat/completions (an in-process server) and score the answers: "
                + "cite@3, key-term rate, grounded share, clean stops, answer length, latency.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--questions", defaultValue = "server/src/test/resources/tutor-dev-questions.tsv",
            description = "Question set: question<TAB>slug[,slug]<TAB>term[|term] lines (default: ${DEFAULT-VALUE}).")
    Path questions;

    @Option(names = "--grounding", defaultValue = "passages", description = "passages (copy from the retrieved passages) or off (default: ${DEFAULT-VALUE}).")
    String grounding;

    @Option(names = "--temperature", defaultValue = "0", description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-tokens", description = "Answer budget (default: the API's own default).")
    Integer maxTokens;

    @Option(names = "--seed", defaultValue = "7", description = "Seed for sampled answers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON line with the figures instead of a table.")
    boolean json;

    @Option(names = "--answers", description = "Also print every question, its answer and its scores.")
    boolean answers;

    @Option(names = "--record", description = "Write the figures into the model's training.json and model card (README.md).")
    boolean record;

    @Option(names = "--model", defaultValue = "models/course-tiny", description = "Model directory (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--course", defaultValue = "course") Path course;
    @Option(names = "--index", defaultValue = ".glassbox/index") Path index;
    @Option(names = "--prompts", defaultValue = "prompts") Path prompts;

    @Override
    public Integer call() throws Exception {
        if (!grounding.equals("passages") && !grounding.equals("off")) {
            System.err.println("glassbox eval: --grounding must be 'passages' or 'off'");
            return 2;
        }
        if (!Files.isRegularFile(questions)) {
            System.err.println("glassbox eval: no question file at " + questions);
            return 2;
        }
        List<DevQuestion> set = DevQuestion.read(questions);
        ServerConfig config = new ServerConfig("127.0.0.1", 0, model, course, index, prompts, null, List.of(),
                ServerConfig.DEFAULT_MAX_BODY, 1, 4, 0);
        Services services;
        try {
            services = Services.load(config, System.err);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("glassbox eval: cannot load the tutor: " + e.getMessage());
            return 1;
        }
        GlassboxServer server = new GlassboxServer(config, services);
        server.start();
        try {
            TutorEval eval = new TutorEval(server.url(), services.course());
            TutorEval.Settings settings = new TutorEval.Settings(grounding, temperature, maxTokens, seed);
            List<AnswerScore> scores = new java.util.ArrayList<>();
            boolean terminal = System.console() != null && System.console().isTerminal();
            for (int i = 0; i < set.size(); i++) {
                scores.add(eval.ask(set.get(i), settings));
                if (terminal || i + 1 == set.size() || (i + 1) % 20 == 0) {
                    System.err.printf(Locale.ROOT, terminal ? "\reval: %d/%d questions" : "eval: %d/%d questions%n", i + 1, set.size());
                }
            }
            if (terminal) {
                System.err.println();
            }
            if (answers) {
                for (AnswerScore s : scores) {
                    System.out.printf(Locale.ROOT, "Q: %s%nA: %s%n   cited %s · cite@3 %s · key term %s · grounded %.2f · %s · %d tokens%n%n",
                            s.question().question(), s.answer(), s.citedSlugs(), s.citeAt3(), s.keyTerm(), s.groundedShare(),
                            s.cleanStop() ? "stop" : "length", s.answerTokens());
                }
            }
            EvalSummary summary = EvalSummary.of(grounding, scores);
            System.out.println(json ? Json.MAPPER.writeValueAsString(summary) : summary.toString());
            if (record) {
                String decoding = (grounding.equals("passages") ? "grounded" : "free") + ", temperature " + temperature
                        + (maxTokens == null ? "" : ", max_tokens " + maxTokens);
                EvalRecord.record(model, decoding, questions.getFileName().toString(), summary);
                System.err.println("recorded in " + model.resolve("training.json") + " and " + model.resolve("README.md"));
            }
            return 0;
        } finally {
            server.stop();
            services.close();
        }
    }
}
