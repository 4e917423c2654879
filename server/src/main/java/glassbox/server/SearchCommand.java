package glassbox.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import glassbox.rag.CourseIndex;
import glassbox.rag.DevQuestion;
import glassbox.rag.IndexStore;
import glassbox.rag.RetrievalEval;
import glassbox.rag.SearchHit;
import glassbox.rag.course.Course;
import glassbox.rag.course.CourseFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glassbox search}: query the course index, or evaluate it on a question set. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search the course (BM25 over lesson sections).")
final class SearchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", description = "The query (plain words; Lucene syntax is not interpreted).")
    String query;

    @Option(names = "--k", defaultValue = "3", description = "Number of hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--json", description = "Print hits as JSON: [{slug, section, anchor, score, word_score, similarity, snippet}].")
    boolean json;

    @Option(names = "--eval", description = "Evaluate on a question file (question<TAB>slug[,slug] lines): hit@1, hit@3, MRR@10.")
    Path eval;

    @Option(names = "--course", defaultValue = "course", description = "Course directory (default: ${DEFAULT-VALUE}).")
    Path course;

    @Option(names = "--model", defaultValue = "models/course-tiny", description = "Model whose numbers fill the lessons' {{...}} placeholders (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--index", defaultValue = ".glassbox/index", description = "Index directory, rebuilt when stale (default: ${DEFAULT-VALUE}).")
    Path indexDir;

    /** One hit as the CLI and {@code GET /api/search} print it. */
    record Hit(String slug, String section, String anchor, float score, float wordScore, float similarity, String snippet) {
        static Hit of(SearchHit h) {
            return new Hit(h.slug(), h.section(), h.anchor(), h.score(), h.wordScore(), h.similarity(), h.snippet());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (query == null && eval == null) {
            System.err.println("glassbox search: give a query, e.g. ./scripts/search \"what is attention\", or --eval FILE");
            return 2;
        }
        if (k < 1 || k > 100) {
            System.err.println("glassbox search: --k must be between 1 and 100");
            return 2;
        }
        try (CourseIndex index = IndexStore.open(Course.load(course, model), indexDir, System.err)) {
            if (eval != null) {
                if (!Files.exists(eval)) {
                    System.err.println("glassbox search: no such question file: " + eval);
                    return 2;
                }
                List<DevQuestion> questions = DevQuestion.read(eval);
                RetrievalEval.Report r = RetrievalEval.evaluate(index, questions);
                System.out.printf(Locale.ROOT, "{\"questions\":%d,\"hit_at_1\":%.3f,\"hit_at_3\":%.3f,\"mrr_at_10\":%.3f}%n",
                        r.questions(), r.hitAt1(), r.hitAt3(), r.mrrAt10());
                r.missedAt3().forEach(m -> System.err.println("missed@3: " + m));
                return 0;
            }
            List<Hit> hits = index.search(query, k).stream().map(Hit::of).toList();
            if (json) {
                System.out.println(Json.write(hits));
            } else if (hits.isEmpty()) {
                System.out.println("No lesson matches \"" + query + "\".");
            } else {
                int n = 1;
                for (Hit h : hits) {
                    System.out.printf(Locale.ROOT, "%d. %s#%s  (words %.1f, meaning %.2f)  %s%n   %s%n", n++, h.slug(), h.anchor(),
                            h.wordScore(), h.similarity(), h.section(),
                            h.snippet().replace("<mark>", "[").replace("</mark>", "]").replaceAll("\\s+", " "));
                }
            }
            return 0;
        } catch (CourseFormatException | IllegalArgumentException e) {
            System.err.println("glassbox search: " + e.getMessage());
            return 2;
        }
    }
}
