package glassbox.rag;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.lucene.store.FSDirectory;

import glassbox.rag.course.Course;

/**
 * The course index on disk. {@code course.sha256} beside the Lucene files records which
 * course text it was built from, with which sentence encoder and in which layout; a different
 * hash, encoder or layout (or no index) means rebuild.
 */
public final class IndexStore {
    static final String HASH_FILE = "course.sha256";

    private IndexStore() {
    }

    public static boolean isFresh(Course course, Path indexDir) throws IOException {
        Path hash = indexDir.resolve(HASH_FILE);
        return Files.exists(hash) && Files.readString(hash).strip().equals(stamp(course));
    }

    /** Builds the index unless it is up to date; progress goes to {@code log} (may be null). */
    public static void ensure(Course course, Path indexDir, PrintStream log) throws IOException {
        if (isFresh(course, indexDir)) {
            return;
        }
        build(course, indexDir, log);
    }

    public static void build(Course course, Path indexDir, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        List<Chunk> chunks = Chunker.chunks(course);
        if (log != null) {
            log.printf(Locale.ROOT, "indexing the course: %d lessons, %d chunks...%n", course.lessons().size(), chunks.size());
        }
        Files.createDirectories(indexDir);
        Files.deleteIfExists(indexDir.resolve(HASH_FILE));
        try (FSDirectory dir = FSDirectory.open(indexDir)) {
            CourseIndex.build(chunks, dir);
        }
        Files.writeString(indexDir.resolve(HASH_FILE), stamp(course) + "\n");
        if (log != null) {
            log.printf(Locale.ROOT, "indexed %d chunks into %s in %.2f s%n", chunks.size(), indexDir, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static String stamp(Course course) {
        return course.contentHash() + " " + SentenceEncoder.NAME + " " + CourseIndex.LAYOUT;
    }

    /** Ensures the index is fresh, then opens it (the directory stays open until the index is closed). */
    public static CourseIndex open(Course course, Path indexDir, PrintStream log) throws IOException {
        ensure(course, indexDir, log);
        FSDirectory dir = FSDirectory.open(indexDir);
        CourseIndex index = CourseIndex.open(dir, CourseAnalyzers.bundledSynonyms());
        return index;
    }
}
