package glassbox.model.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.ChatFormat.Message;

/**
 * Turns the course into training documents: every lesson as plain text, the glossary, and chat
 * examples generated from them so the model learns the tutor's format:
 * <ul>
 *   <li>question → answer from glossary definitions and lesson summaries;</li>
 *   <li>retrieved passage + question → an answer taken from that passage, so the model learns to
 *       lean on the {@code <|context|>} text the tutor puts in front of it.</li>
 * </ul>
 */
public final class CorpusBuilder {
    /** The tutor's system prompt in the training examples (the server's prompts/ use the same words). */
    private final String systemPrompt;

    public CorpusBuilder(String systemPrompt) {
        this.systemPrompt = systemPrompt;
    }

    public List<TrainingDocument> build(CourseText course) {
        List<TrainingDocument> docs = new ArrayList<>();
        for (CourseText.LessonText lesson : course.lessons()) {
            docs.add(new TrainingDocument("lesson:" + lesson.slug(), lesson.slug(), lessonText(lesson), false));
            docs.add(new TrainingDocument("chat:" + lesson.slug(), lesson.slug(), lessonChats(lesson), true));
        }
        // Glossary terms travel with the lesson that teaches them, for a clean split.
        for (CourseText.LessonText lesson : course.lessons()) {
            List<CourseText.GlossaryTerm> terms = course.glossary().stream().filter(t -> t.slug().equals(lesson.slug())).toList();
            if (!terms.isEmpty()) {
                StringBuilder sb = new StringBuilder("Glossary: terms from " + lesson.title() + "\n\n");
                StringBuilder chats = new StringBuilder();
                for (CourseText.GlossaryTerm t : terms) {
                    sb.append(t.term()).append(": ").append(t.definition()).append("\n\n");
                    chats.append(chat(List.of(new Message("user", askFor(t.term(), t.term().length())),
                            new Message("assistant", t.definition() + " The lesson " + lesson.title() + " explains it."))));
                }
                docs.add(new TrainingDocument("glossary:" + lesson.slug(), lesson.slug(), sb.toString().strip(), false));
                docs.add(new TrainingDocument("glossary-chat:" + lesson.slug(), lesson.slug(), chats.toString(), true));
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

    private String lessonChats(CourseText.LessonText lesson) {
        StringBuilder sb = new StringBuilder();
        sb.append(chat(List.of(new Message("user", "What is the lesson " + lesson.title() + " about?"),
                new Message("assistant", lesson.summary()))));
        for (String term : lesson.keyTerms()) {
            sb.append(chat(List.of(new Message("user", "Which lesson should I read about " + term + "?"),
                    new Message("assistant", "Read " + lesson.title() + ". " + lesson.summary()))));
        }
        // Grounded examples: the passage comes in as retrieved context, the answer quotes it.
        int n = 0;
        for (CourseText.SectionText s : lesson.sections()) {
            String passage = firstWords(plain(s.text()), 120);
            String answer = firstSentences(plain(s.text()), 2);
            if (answer.length() < 20 || s.heading().toLowerCase(Locale.ROOT).startsWith("try it")) {
                continue;
            }
            String question = n % 2 == 0
                    ? "Can you explain " + s.heading().toLowerCase(Locale.ROOT) + "?"
                    : "What does the course say about " + s.heading().toLowerCase(Locale.ROOT) + "?";
            sb.append(chat(List.of(
                    new Message("system", systemPrompt),
                    new Message("context", "[1] " + lesson.title() + " — " + s.heading() + "\n" + passage),
                    new Message("user", question),
                    new Message("assistant", answer + " [1]"))));
            n++;
        }
        return sb.toString();
    }

    private static String askFor(String term, int salt) {
        return switch (salt % 3) {
            case 0 -> "What is " + term + "?";
            case 1 -> "What does " + term + " mean?";
            default -> "Can you define " + term + "?";
        };
    }

    private static String chat(List<Message> messages) {
        return ChatFormat.render(messages, false);
    }

    private static final Pattern CODE = Pattern.compile("```.*?```", Pattern.DOTALL);
    private static final Pattern MARKUP = Pattern.compile("[*_`#>]|\\$\\$?");

    /** Markdown to plain sentences: drop code blocks and emphasis marks, fold whitespace. */
    static String plain(String markdown) {
        String noCode = CODE.matcher(markdown).replaceAll(" ");
        return MARKUP.matcher(noCode).replaceAll("").replaceAll("\\s+", " ").strip();
    }

    static String firstWords(String text, int words) {
        String[] w = text.split(" ");
        return w.length <= words ? text : String.join(" ", java.util.Arrays.copyOf(w, words)) + " …";
    }

    private static final Pattern SENTENCE = Pattern.compile("[^.!?]+[.!?]+(\\s|$)");

    static String firstSentences(String text, int count) {
        Matcher m = SENTENCE.matcher(text);
        StringBuilder sb = new StringBuilder();
        int found = 0;
        while (found < count && m.find()) {
            sb.append(m.group());
            found++;
        }
        return sb.toString().strip();
    }
}
