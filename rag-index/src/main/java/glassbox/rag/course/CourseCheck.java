package glassbox.rag.course;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The course's house rules, as a list of problems (empty = fine): complete front matter, slug
 * equal to the file name, 600-1,500 words of teaching text, unique headings, a worked example, the
 * closing sections "Try it in the lab", "Exercises" and "Further reading" (see {@link BackMatter}),
 * prerequisites that point to earlier lessons, glossary links that resolve to a lesson in which the
 * term occurs, and no model-number placeholder left unresolved (check a course after
 * {@link Course#resolve}).
 */
public final class CourseCheck {
    public static final int MIN_WORDS = 600;
    public static final int MAX_WORDS = 1500;
    public static final int MIN_GLOSSARY_TERMS = 150;
    static final List<String> CLOSING_SECTIONS = List.of(Lesson.TRY_IT, Lesson.EXERCISES, Lesson.FURTHER_READING);

    private CourseCheck() {
    }

    public static List<String> problems(Course course) {
        List<String> fileNames = course.lessonFiles();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < course.lessons().size(); i++) {
            Lesson l = course.lessons().get(i);
            String file = fileNames.get(i);
            order.put(l.slug(), i);
            if (!file.equals(l.slug() + ".md")) {
                problems.add(file + ": slug '" + l.slug() + "' does not match the file name");
            }
            if (l.keyTerms().isEmpty()) {
                problems.add(file + ": key_terms is empty");
            }
            int words = l.wordCount();
            if (words < MIN_WORDS || words > MAX_WORDS) {
                problems.add(file + ": " + words + " words (expected " + MIN_WORDS + "-" + MAX_WORDS + ")");
            }
            Set<String> anchors = new HashSet<>();
            for (Section s : l.sections()) {
                if (!anchors.add(s.anchor())) {
                    problems.add(file + ": heading '" + s.heading() + "' is not unique");
                }
            }
            if (l.sections().size() < 3) {
                problems.add(file + ": needs at least 3 '##' sections, has " + l.sections().size());
            }
            if (l.sections().stream().noneMatch(s -> s.heading().toLowerCase().startsWith("worked example"))) {
                problems.add(file + ": no '## Worked example…' section");
            }
            List<String> headings = l.sections().stream().map(Section::heading).toList();
            if (headings.size() < CLOSING_SECTIONS.size()
                    || !headings.subList(headings.size() - CLOSING_SECTIONS.size(), headings.size()).equals(CLOSING_SECTIONS)) {
                problems.add(file + ": the last sections must be " + CLOSING_SECTIONS.stream().map(h -> "'## " + h + "'").toList());
            }
            problems.addAll(BackMatter.problems(file, l));
            for (String p : Placeholders.remaining(l.title() + "\n" + l.summary() + "\n" + l.body())) {
                problems.add(file + ": placeholder " + p + " does not resolve");
            }
        }
        for (int i = 0; i < course.lessons().size(); i++) {
            for (String p : course.lessons().get(i).prerequisites()) {
                if (!order.containsKey(p)) {
                    problems.add(fileNames.get(i) + ": prerequisite '" + p + "' is not a lesson");
                } else if (order.get(p) >= i) {
                    problems.add(fileNames.get(i) + ": prerequisite '" + p + "' does not come before it");
                }
            }
        }
        Set<String> terms = new HashSet<>();
        for (GlossaryEntry e : course.glossary()) {
            if (!terms.add(e.term().toLowerCase())) {
                problems.add(Course.GLOSSARY_FILE + ": term '" + e.term() + "' appears twice");
            }
            var lesson = course.lesson(e.lessonSlug());
            if (lesson.isEmpty()) {
                problems.add(Course.GLOSSARY_FILE + ": term '" + e.term() + "' links to unknown lesson '" + e.lessonSlug() + "'");
            } else if (!TermMatch.occurs(e.term(), lesson.get().teachingText())) {
                problems.add(Course.GLOSSARY_FILE + ": term '" + e.term() + "' does not occur in lesson '" + e.lessonSlug() + "'");
            }
            for (String p : Placeholders.remaining(e.definition())) {
                problems.add(Course.GLOSSARY_FILE + ": placeholder " + p + " in '" + e.term() + "' does not resolve");
            }
        }
        if (course.glossary().size() < MIN_GLOSSARY_TERMS) {
            problems.add(Course.GLOSSARY_FILE + ": " + course.glossary().size() + " terms (expected at least " + MIN_GLOSSARY_TERMS + ")");
        }
        return problems;
    }
}
