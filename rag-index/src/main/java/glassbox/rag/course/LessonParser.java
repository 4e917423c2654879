package glassbox.rag.course;

import java.util.ArrayList;
import java.util.List;

/** Parses one lesson file ({@code NN-slug.md}): front matter plus {@code ##} sections. */
public final class LessonParser {
    private LessonParser() {
    }

    public static Lesson parse(String fileName, String markdown) {
        FrontMatter fm = FrontMatter.parse(fileName, markdown);
        String slug = fm.string(fileName, "slug");
        List<Section> sections = sections(fm.body());
        return new Lesson(slug, fm.string(fileName, "title"), fm.string(fileName, "summary"),
                fm.list(fileName, "key_terms"), fm.list(fileName, "prerequisites"), fm.body(), sections);
    }

    /** Splits a Markdown body at {@code ##} headings, ignoring lines inside code fences. */
    static List<Section> sections(String body) {
        List<Section> sections = new ArrayList<>();
        String heading = null;
        StringBuilder text = new StringBuilder();
        boolean inFence = false;
        for (String line : body.split("\n", -1)) {
            if (line.startsWith("```")) {
                inFence = !inFence;
            }
            if (!inFence && line.startsWith("## ")) {
                if (heading != null) {
                    sections.add(new Section(heading, Anchors.of(heading), sections.size(), text.toString().strip()));
                }
                heading = line.substring(3).strip();
                text.setLength(0);
            } else if (heading != null) {
                text.append(line).append('\n');
            }
        }
        if (heading != null) {
            sections.add(new Section(heading, Anchors.of(heading), sections.size(), text.toString().strip()));
        }
        return sections;
    }
}
