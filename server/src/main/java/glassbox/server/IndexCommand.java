package glassbox.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import glassbox.rag.IndexStore;
import glassbox.rag.course.Course;
import glassbox.rag.course.CourseFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glassbox index}: (re)build the Lucene index of the course. */
@Command(name = "index", mixinStandardHelpOptions = true, description = "Build the course search index (Lucene, BM25).")
final class IndexCommand implements Callable<Integer> {
    @Option(names = "--course", defaultValue = "course", description = "Course directory (default: ${DEFAULT-VALUE}).")
    Path course;

    @Option(names = "--model", defaultValue = "models/course-tiny", description = "Model whose numbers fill the lessons' {{...}} placeholders (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--out", defaultValue = ".glassbox/index", description = "Index directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        try {
            IndexStore.build(Course.load(course, model), out, System.err);
            return 0;
        } catch (CourseFormatException e) {
            System.err.println("glassbox index: " + e.getMessage());
            return 2;
        }
    }
}
