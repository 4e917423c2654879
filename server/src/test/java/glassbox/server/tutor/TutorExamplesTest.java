package glassbox.server.tutor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import glassbox.model.infer.constraint.Constraint;
import glassbox.model.infer.constraint.GroundingIndex;
import glassbox.model.infer.constraint.GroundingRules;
import glassbox.model.infer.constraint.Passage;
import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.data.TrainingDocument;
import glassbox.server.Services;
import glassbox.server.TestServer;

/** The tutor's training examples are what serving builds, and grounded decoding can say every answer in them. */
class TutorExamplesTest {
    static Services services;
    static List<TrainingDocument> examples;

    @BeforeAll
    static void build() throws Exception {
        services = TestServer.services();
        examples = new TutorExamples(services.course(), services.tutor(), services.engine().info().contextLength()).build(1234L);
    }

    @Test
    void thousandsOfExamplesOverManyConceptsWithHeldOutGroups() {
        assertThat(examples.size()).isGreaterThan(2000);
        assertThat(examples.stream().map(TrainingDocument::group).distinct().count()).isGreaterThan(150);
        assertThat(examples).allMatch(TrainingDocument::chat);
    }

    @Test
    void everyAnswerCanBeProducedByGroundedDecodingOverItsOwnPrompt() {
        BpeTokenizer tokenizer = services.engine().tokenizer();
        Pattern passage = Pattern.compile("\\[(\\d)] [^\\n]*\\n(.*?)(?=\\n\\n\\[\\d] |<\\|end\\|>)", Pattern.DOTALL);
        int checked = 0;
        for (TrainingDocument d : examples.subList(0, Math.min(400, examples.size()))) {
            String text = d.text();
            int context = text.lastIndexOf(SpecialToken.CONTEXT.text());
            int answerAt = text.lastIndexOf(SpecialToken.ASSISTANT.text()) + SpecialToken.ASSISTANT.text().length();
            String answer = text.substring(answerAt, text.length() - SpecialToken.END.text().length());
            List<Passage> passages = new java.util.ArrayList<>();
            Matcher m = passage.matcher(text.substring(context));
            while (m.find()) {
                passages.add(new Passage(Integer.parseInt(m.group(1)), m.group(2)));
            }
            assertThat(passages).as(d.id()).isNotEmpty();
            Constraint c = GroundingIndex.build(passages, tokenizer, GroundingRules.ANY_SENTENCES).start();
            for (int id : tokenizer.encode(answer)) {
                BitSet allowed = c.allowed();
                assertThat(allowed.get(id)).as("%s: token '%s' of answer '%s'", d.id(), tokenizer.tokenText(id), answer).isTrue();
                c.accept(id);
            }
            assertThat(c.allowed().get(tokenizer.id(SpecialToken.END))).as("%s may end after '%s'", d.id(), answer).isTrue();
            checked++;
        }
        assertThat(checked).isGreaterThan(300);
    }

    @Test
    void agentTranscriptsCallTheSearchWithWordsOfTheQuestionAndAnswerFromItsResult() throws Exception {
        BpeTokenizer tokenizer = services.engine().tokenizer();
        List<TrainingDocument> agent = examples.stream().filter(d -> d.id().startsWith("agent:")).toList();
        assertThat(agent.size()).isGreaterThan(100);
        for (TrainingDocument d : agent.subList(0, 60)) {
            List<ChatFormat.Message> m = d.messages();
            assertThat(m.get(0)).isEqualTo(ChatFormat.toolsMessage(List.of(SearchTool.LINE)));
            String question = m.get(2).content();
            ChatFormat.ToolCall call = m.get(3).toolCalls().getFirst();
            assertThat(call.name()).isEqualTo("search_course");
            String query = glassbox.server.Json.MAPPER.readTree(call.arguments()).get("query").asText();
            assertThat(question).as(d.id()).contains(query);
            // the tool's result is what the lesson-22 loop builds for that query
            TutorPrompt found = SearchTool.run(services.tutor(), tokenizer, m.subList(1, 4), query, services.engine().info().contextLength(),
                    TutorExamples.AGENT_ANSWER_TOKENS);
            assertThat(m.get(4)).isEqualTo(new ChatFormat.Message("tool", SearchTool.result(found)));
            // and the answer can be said by grounded decoding over those passages
            List<Passage> passages = found.citations().stream().map(c -> new Passage(c.number(), c.passage())).toList();
            Constraint c = GroundingIndex.build(passages, tokenizer, GroundingRules.ANY_SENTENCES).start();
            for (int id : tokenizer.encode(m.get(5).content())) {
                assertThat(c.allowed().get(id)).as("%s: '%s'", d.id(), m.get(5).content()).isTrue();
                c.accept(id);
            }
            assertThat(ChatFormat.encode(tokenizer, m, false).length).isLessThanOrEqualTo(services.engine().info().contextLength());
        }
    }

    @Test
    void promptsAreTheServersOwnForTheQuestion() {
        TrainingDocument first = examples.getFirst();
        String question = first.text().substring(first.text().lastIndexOf(SpecialToken.USER.text()) + SpecialToken.USER.text().length());
        question = question.substring(0, question.indexOf(SpecialToken.END.text()));
        int budget = services.engine().info().contextLength() - TutorExamples.ANSWER_BUDGETS[0];
        TutorPrompt served = services.tutor().prepare(List.of(new ChatFormat.Message("user", question)), budget);
        assertThat(first.text()).startsWith(ChatFormat.render(served.messages(), true));
    }

    /**
     * The committed model was trained on the old encoding (the rendered text with its special
     * spellings read back): every example encodes to the same ids now, except those whose passages
     * quote a special token's spelling (the chat-format lessons), which are text now.
     */
    @Test
    void examplesEncodeAsTheyDidUnlessAMessageQuotesASpecialToken() {
        BpeTokenizer tokenizer = services.engine().tokenizer();
        Pattern spelling = Pattern.compile("<\\|(bos|eos|pad|system|user|assistant|end|context|tool_call|tool)\\|>");
        int same = 0, quoting = 0;
        for (TrainingDocument d : examples) {
            int[] now = ChatFormat.encode(tokenizer, d.messages(), false);
            int[] before = tokenizer.encodeWithSpecials(d.text());
            assertThat(d.text()).isEqualTo(ChatFormat.render(d.messages(), false));
            if (d.messages().stream().anyMatch(m -> spelling.matcher(m.content()).find())) {
                quoting++;
                assertThat(now).as(d.id()).isNotEqualTo(before);
                assertThat(tokenizer.decode(now)).isEqualTo(d.text());
            } else {
                same++;
                assertThat(now).as(d.id()).isEqualTo(before);
            }
        }
        assertThat(same).isGreaterThan(2000);
    }
}
