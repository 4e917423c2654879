package glassbox.rag.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The course as read from its directory: lessons ({@code NN-slug.md}, in file-name order) and
 * the glossary, plus a content hash so indexes and models can tell when it changed.
 */
public record Course(Path dir, List<Lesson> lessons, List<String> lessonFiles, List<GlossaryEntry> glossary, String contentHash) {
    public static final Pattern LESSON_FILE = Pattern.compile("\\d\\d-[a-z0-9-]+\\.md");
    public static final String GLOSSARY_FILE = "glossary.md";

    public Course {
        lessons = List.copyOf(lessons);
        lessonFiles = List.copyOf(lessonFiles);
        glossary = List.copyOf(glossary);
    }

    public static Course load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CourseFormatException("course directory not found: " + dir.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> lessonFiles = files.filter(p -> LESSON_FILE.matcher(p.getFileName().toString()).matches()).sorted().toList();
            if (lessonFiles.isEmpty()) {
                throw new CourseFormatException("no lessons (NN-slug.md) in " + dir.toAbsolutePath());
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Lesson> lessons = new ArrayList<>();
            for (Path f : lessonFiles) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                digest(md, f.getFileName().toString(), text);
                lessons.add(LessonParser.parse(f.getFileName().toString(), text));
            }
            List<GlossaryEntry> glossary = List.of();
            Path g = dir.resolve(GLOSSARY_FILE);
            if (Files.exists(g)) {
                String text = Files.readString(g, StandardCharsets.UTF_8);
                digest(md, GLOSSARY_FILE, text);
                glossary = GlossaryParser.parse(GLOSSARY_FILE, text);
            }
            return new Course(dir, lessons, lessonFiles.stream().map(p -> p.getFileName().toString()).toList(), glossary, HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the course in " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The course in {@code dir} with the numbers of the model in {@code modelDir} filled in (see {@link #resolve}). */
    public static Course load(Path dir, Path modelDir) {
        return load(dir).resolve(ModelFacts.load(modelDir));
    }

    /**
     * The course with every model-number placeholder replaced by its value (see {@link Placeholders}).
     * The hash covers the values too, so an index of the resolved text goes stale when the model is retrained.
     */
    public Course resolve(ModelFacts facts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            digest(md, "course", contentHash);
            digest(md, "facts", facts.values().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList().toString());
            return new Course(dir, lessons.stream().map(l -> l.resolve(facts)).toList(), lessonFiles,
                    glossary.stream().map(g -> g.resolve(facts)).toList(), HexFormat.of().formatHex(md.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Lesson> lesson(String slug) {
        return lessons.stream().filter(l -> l.slug().equals(slug)).findFirst();
    }

    private static void digest(MessageDigest md, String name, String text) {
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(text.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }
}
