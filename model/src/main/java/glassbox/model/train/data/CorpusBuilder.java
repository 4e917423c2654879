package glassbox.model.train.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The course as plain training text: every lesson (title, summary, sections) and the glossary,
 * grouped by the lesson that teaches each term. All of it is always trained on: the tutor's
 * knowledge is the course, and validation uses held-out questions instead (the tutor's chat
 * examples are built beside the retriever, in the server, and added to these documents).
 */
public final class CorpusBuilder {
    private CorpusBuilder() {
    }

    public static List<TrainingDocument> build(CourseText course) {
        List<TrainingDocument> docs = new ArrayList<>();
        for (CourseText.LessonText lesson : course.lessons()) {
            docs.add(TrainingDocument.plain("lesson:" + lesson.slug(), null, lessonText(lesson)));
        }
        for (CourseText.LessonText lesson : course.lessons()) {
            List<CourseText.GlossaryTerm> terms = course.glossary().stream().filter(t -> t.slug().equals(lesson.slug())).toList();
            if (!terms.isEmpty()) {
                StringBuilder sb = new StringBuilder("Glossary: terms from " + lesson.title() + "\n\n");
                for (CourseText.GlossaryTerm t : terms) {
                    sb.append(t.term()).append(": ").append(t.definition()).append("\n\n");
                }
                docs.add(TrainingDocument.plain("glossary:" + lesson.slug(), null, sb.toString().strip()));
            }
        }
        return docs;
    }

    static String lessonText(CourseText.LessonText lesson) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(lesson.title()).append("\n\n").append(lesson.summary()).append("\n\n");
        for (CourseText.SectionText s : lesson.sections()) {
            sb.append("## ").append(s.heading()).append("\n\n").append(s.text().strip()).append("\n\n");
        }
        return sb.toString().strip();
    }
}
