package glassbox.server.tutor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import glassbox.model.text.Sentences;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.ChatFormat.Message;
import glassbox.model.train.data.TrainingDocument;
import glassbox.rag.course.Course;
import glassbox.rag.course.GlossaryEntry;
import glassbox.rag.course.Lesson;
import glassbox.rag.course.Section;

/**
 * The tutor's training examples. Every concept of the course (glossary terms, lesson key terms,
 * section headings) is asked about in learner phrasings (what / why / how / explain / compare,
 * lower case, typos, follow-ups), each question goes through the real {@link Tutor} (retrieval,
 * passage packing, template, token budget), and the answer is made of the context sentences
 * that name the concept, each followed by its passage's [n]. So training sees exactly the
 * prompts serving builds, and every answer is something grounded decoding can produce.
 *
 * <p>All phrasings of one concept share a group, so validation holds out whole concepts.
 */
public final class TutorExamples {
    /** The answer budgets prompts are sized for: the API's default max_tokens and the web chat's. */
    static final int[] ANSWER_BUDGETS = {160, 120};
    static final int MAX_ANSWER_WORDS = 42;
    /** The answer budget of the agent loop's last turn (as lesson 22's loop reserves it). */
    static final int AGENT_ANSWER_TOKENS = 120;
    /** Phrasings drawn per question family (what, explain, how/why) for each concept, before duplicates are dropped. */
    static final int PHRASINGS_PER_FAMILY = 5;

    private static final String[] WHAT = {"What is %s?", "what is %s", "What's %s?", "whats %s", "What does %s mean?",
            "define %s", "%s?", "what is meant by %s", "What is %s in simple words?", "Could you describe %s?"};
    private static final String[] EXPLAIN = {"Explain %s.", "Can you explain %s?", "explain %s to me", "Tell me about %s.",
            "I don't understand %s.", "help me understand %s", "What does the course say about %s?"};
    private static final String[] HOW_WHY = {"How does %s work?", "how does %s work", "Why do we need %s?",
            "Why does %s matter?", "what is %s used for?", "what role does %s play"};
    private static final String[] COMPARE = {"What is the difference between %s and %s?", "%s vs %s?",
            "compare %s and %s", "How is %s different from %s?"};
    private static final String[] FOLLOW_UP = {"and what about %s?", "How is that related to %s?", "ok, and %s?",
            "what about %s then?"};
    /** A sentence that opens by defining the concept (the concept's quoted lower-case name goes in the %s). */
    private static final String DEFINITION = "^(?:an? |the )?%s(?:s)? (?:is|are|means|refers|measures|describes|turns|takes|gives|keeps|lets)\\b";

    record Concept(String name, String slug, boolean heading) {
    }

    private final Course course;
    private final Tutor tutor;
    private final int contextLength;

    public TutorExamples(Course course, Tutor tutor, int contextLength) {
        this.course = course;
        this.tutor = tutor;
        this.contextLength = contextLength;
    }

    public List<TrainingDocument> build(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Concept> concepts = concepts();
        List<TrainingDocument> docs = new ArrayList<>();
        int n = 0;
        for (Concept c : concepts) {
            List<String> questions = new ArrayList<>();
            if (c.heading()) {
                for (String t : EXPLAIN) {
                    questions.add(t.formatted(lowerFirst(c.name())));
                }
            } else {
                for (String[] family : new String[][] {WHAT, EXPLAIN, HOW_WHY}) {
                    for (int k = 0; k < PHRASINGS_PER_FAMILY; k++) {
                        questions.add(family[random.nextInt(family.length)].formatted(spoken(c.name(), random)));
                    }
                }
            }
            for (String q : questions.stream().distinct().toList()) {
                example(List.of(new Message("user", q)), List.of(c), budget(n++)).ifPresent(chat ->
                        docs.add(TrainingDocument.chat("qa:" + docs.size(), group(c), chat)));
            }
        }
        // Comparisons and follow-ups between concepts of the same lesson.
        for (Lesson lesson : course.lessons()) {
            List<Concept> mine = concepts.stream().filter(c -> c.slug().equals(lesson.slug()) && !c.heading()).toList();
            for (int i = 0; i + 1 < mine.size(); i++) {
                Concept a = mine.get(i), b = mine.get(i + 1);
                String q = COMPARE[random.nextInt(COMPARE.length)].formatted(spoken(a.name(), random), spoken(b.name(), random));
                example(List.of(new Message("user", q)), List.of(a, b), budget(n++)).ifPresent(chat ->
                        docs.add(TrainingDocument.chat("qa:" + docs.size(), group(a), chat)));
                Optional<String> first = answerTo(List.of(new Message("user", WHAT[0].formatted(a.name()))), List.of(a), budget(n));
                if (first.isPresent()) {
                    List<Message> turns = List.of(new Message("user", WHAT[0].formatted(a.name())), new Message("assistant", first.get()),
                            new Message("user", FOLLOW_UP[random.nextInt(FOLLOW_UP.length)].formatted(spoken(b.name(), random))));
                    example(turns, List.of(b), budget(n++)).ifPresent(chat ->
                            docs.add(TrainingDocument.chat("qa:" + docs.size(), group(b), chat)));
                }
            }
        }
        // Agent transcripts (lesson 22's loop, see SearchTool): the question, a search_course call whose query is the
        // concept's words as the question wrote them, the tool's result, and the grounded answer.
        for (Concept c : concepts) {
            if (!c.heading()) {
                String spoken = spoken(c.name(), random);
                String q = WHAT[random.nextInt(WHAT.length)].formatted(spoken);
                agentExample(q, spoken, c).ifPresent(chat -> docs.add(TrainingDocument.chat("agent:" + docs.size(), group(c), chat)));
            }
        }
        return docs;
    }

    /** The whole agent conversation as the lesson-22 loop builds it, or empty when the search does not answer. */
    private Optional<List<Message>> agentExample(String question, String query, Concept asked) {
        List<Message> turns = new ArrayList<>(List.of(new Message("system", tutor.templates().system()), new Message("user", question),
                new Message("assistant", "", List.of(new ChatFormat.ToolCall(SearchTool.NAME, SearchTool.arguments(query))))));
        TutorPrompt found = SearchTool.run(tutor, tutor.tokenizer(), turns, query, contextLength, AGENT_ANSWER_TOKENS);
        if (!found.answered()) {
            return Optional.empty();
        }
        return answer(found.citations(), List.of(asked)).map(a -> {
            List<Message> all = new ArrayList<>();
            all.add(ChatFormat.toolsMessage(List.of(SearchTool.LINE)));
            all.addAll(turns);
            all.add(new Message("tool", SearchTool.result(found)));
            all.add(new Message("assistant", a));
            return all;
        });
    }

    private int budget(int n) {
        return contextLength - ANSWER_BUDGETS[n % ANSWER_BUDGETS.length];
    }

    private static String group(Concept c) {
        return "qa:" + c.name().toLowerCase(Locale.ROOT);
    }

    /** The whole chat (prompt as the server builds it, then the answer), or empty when the context does not answer. */
    private Optional<List<Message>> example(List<Message> conversation, List<Concept> asked, int promptBudget) {
        TutorPrompt p = tutor.prepare(conversation, promptBudget);
        if (!p.answered()) {
            return Optional.empty();
        }
        return answer(p.citations(), asked).map(a -> {
            List<Message> all = new ArrayList<>(p.messages());
            all.add(new Message("assistant", a));
            return all;
        });
    }

    private Optional<String> answerTo(List<Message> conversation, List<Concept> asked, int promptBudget) {
        TutorPrompt p = tutor.prepare(conversation, promptBudget);
        return p.answered() ? answer(p.citations(), asked) : Optional.empty();
    }

    /** One quoted sentence (and the next, while short) per asked concept, each run of sentences followed by its [n]. */
    static Optional<String> answer(List<Citation> citations, List<Concept> asked) {
        record Pick(Citation from, int index) {
        }
        Map<Citation, List<Sentences.Span>> sentences = new LinkedHashMap<>();
        for (Citation cite : citations) {
            sentences.put(cite, Sentences.split(cite.passage()));
        }
        List<Pick> picks = new ArrayList<>();
        for (Concept c : asked) {
            Pattern definition = definitionOf(c.name());
            Pick best = null;
            double bestScore = 5.5;
            for (Citation cite : citations) {
                List<Sentences.Span> spans = sentences.get(cite);
                for (int i = 0; i < spans.size(); i++) {
                    double score = score(spans.get(i).of(cite.passage()), c.name(), definition) - 0.5 * (cite.number() - 1) - 0.1 * i;
                    Pick candidate = new Pick(cite, i);
                    if (score > bestScore && !picks.contains(candidate)) {
                        bestScore = score;
                        best = candidate;
                    }
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            picks.add(best);
        }
        StringBuilder sb = new StringBuilder();
        for (Pick p : picks) {
            String text = p.from().passage();
            List<Sentences.Span> spans = sentences.get(p.from());
            Sentences.Span span = spans.get(p.index());
            String first = span.of(text);
            sb.append(sb.isEmpty() ? "" : " ").append(first);
            if (asked.size() == 1 && p.index() + 1 < spans.size() && spans.get(p.index() + 1).start() <= span.end() + 1) {
                String next = spans.get(p.index() + 1).of(text);
                if (words(first) + words(next) <= MAX_ANSWER_WORDS) {
                    sb.append(' ').append(next);
                }
            }
            sb.append(" [").append(p.from().number()).append(']');
        }
        return Optional.of(sb.toString());
    }

    /** How well a sentence explains a concept: names it (whole, or all its word stems), defines it, is of a readable length. */
    static Pattern definitionOf(String concept) {
        return Pattern.compile(DEFINITION.formatted(Pattern.quote(concept.toLowerCase(Locale.ROOT))));
    }

    static double score(String sentence, String concept, Pattern definition) {
        String s = sentence.toLowerCase(Locale.ROOT);
        String c = concept.toLowerCase(Locale.ROOT);
        double score;
        if (s.contains(c)) {
            score = 10;
        } else {
            var stems = PassagePacker.stems(c);
            var have = PassagePacker.stems(s);
            long found = stems.stream().filter(have::contains).count();
            score = stems.isEmpty() ? 0 : found == stems.size() ? 6 : 2.0 * found;
        }
        if (definition.matcher(s).find()) {
            score += 5;
        }
        int w = words(sentence);
        if (w < 6) {
            score -= 3;
        } else if (w > 40) {
            score -= 2;
        }
        return score;
    }

    private List<Concept> concepts() {
        Map<String, Concept> byName = new LinkedHashMap<>();
        for (GlossaryEntry g : course.glossary()) {
            byName.putIfAbsent(g.term().toLowerCase(Locale.ROOT), new Concept(g.term(), g.lessonSlug(), false));
        }
        for (Lesson l : course.lessons()) {
            for (String t : l.keyTerms()) {
                byName.putIfAbsent(t.toLowerCase(Locale.ROOT), new Concept(t, l.slug(), false));
            }
            for (Section s : l.sections()) {
                String h = s.heading().toLowerCase(Locale.ROOT);
                if (!s.isBackMatter() && !h.startsWith("try it") && !h.contains("worked example") && !h.equals("summary")) {
                    byName.putIfAbsent(h, new Concept(s.heading(), l.slug(), true));
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /** The concept as a learner might type it: often lower case, sometimes with two letters swapped. */
    private static String spoken(String name, SplittableRandom random) {
        String s = random.nextInt(3) == 0 ? name : name.toLowerCase(Locale.ROOT);
        if (random.nextInt(7) == 0) {
            String[] w = s.split(" ");
            int longest = 0;
            for (int i = 1; i < w.length; i++) {
                longest = w[i].length() > w[longest].length() ? i : longest;
            }
            if (w[longest].length() >= 6) {
                char[] ch = w[longest].toCharArray();
                int at = 1 + random.nextInt(ch.length - 3);
                char t = ch[at];
                ch[at] = ch[at + 1];
                ch[at + 1] = t;
                w[longest] = new String(ch);
                s = String.join(" ", w);
            }
        }
        return s;
    }

    private static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }

    private static int words(String s) {
        return s.strip().split("\\s+").length;
    }
}
