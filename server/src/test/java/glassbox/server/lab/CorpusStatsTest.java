package glassbox.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import glassbox.model.tokenizer.BpeTokenizer;
import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.tokenizer.ChatFormat.Message;
import glassbox.model.tokenizer.SpecialToken;
import glassbox.model.train.TrainingConfig;
import glassbox.model.train.TrainingPipeline;
import glassbox.model.train.data.TrainingDocument;
import glassbox.server.TestServer;

/** Lesson 13's corpus numbers on a small corpus, against counts worked out directly from the tokenizer. */
class CorpusStatsTest {
    static BpeTokenizer tokenizer;
    static TrainingConfig config;
    static List<TrainingDocument> docs = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        tokenizer = BpeTokenizer.load(TestServer.ROOT.resolve("models/course-tiny"));
        ObjectMapper m = new ObjectMapper();
        ObjectNode c = m.valueToTree(TrainingConfig.defaults());
        c.put("validation_fraction", 0.45);
        config = m.treeToValue(c, TrainingConfig.class);
        docs.add(TrainingDocument.plain("lesson:a", null, "Attention lets every token look at the tokens before it."));
        docs.add(TrainingDocument.plain("glossary:a", null, "Token: a piece of text."));
        for (int i = 0; i < 20; i++) {
            docs.add(TrainingDocument.chat("qa:" + i, "qa:concept " + i, List.of(new Message("user", "What is concept " + i + "?"),
                    new Message("assistant", "Concept " + i + " is a thing the course explains."))));
        }
    }

    /** A document's length as training's stream holds it: plain text gains <|bos|> and <|eos|>, a chat (already starting with <|bos|>) gains <|eos|>. */
    static int length(TrainingDocument d) {
        return d.chat() ? ChatFormat.encode(tokenizer, d.messages(), false).length + 1 : tokenizer.encode(d.text()).length + 2;
    }

    @Test
    void countsEveryDocumentsTokensOnItsSideOfTheSplit() {
        CorpusStats.Result r = CorpusStats.compute(docs, config, tokenizer, "not the hash");
        long all = docs.stream().mapToLong(CorpusStatsTest::length).sum();
        assertThat(r.tokens()).isEqualTo(all);
        assertThat(r.trainTokens() + r.validationTokens()).isEqualTo(all);
        assertThat(r.documents()).isEqualTo(22);
        assertThat(r.trainDocuments() + r.validationDocuments()).isEqualTo(22);
        assertThat(r.validationDocuments()).isBetween(1, 19);   // about half of the 20 concepts at fraction 0.45
        assertThat(r.heldOutGroupCount()).isEqualTo(r.validationDocuments());
        // plain documents are never held out (no group) and carry their own lengths
        assertThat(r.plainDocuments()).extracting(CorpusStats.Doc::id).containsExactly("lesson:a", "glossary:a");
        assertThat(r.plainDocuments().get(0).tokens()).isEqualTo(length(docs.get(0)));
        assertThat(r.plainDocuments()).noneMatch(CorpusStats.Doc::validation);
        // per kind: the sums add up; every chat example lands in a bin
        assertThat(r.kinds()).extracting(CorpusStats.Kind::kind).containsExactly("lesson", "glossary", "tutor example");
        assertThat(r.kinds().stream().mapToLong(k -> k.tokens() + k.validationTokens()).sum()).isEqualTo(all);
        assertThat(r.exampleTokens().stream().mapToInt(CorpusStats.Bin::count).sum()).isEqualTo(20);
        // trained tokens: all of a plain document but its <|bos|>; of a chat, the answer and its <|end|>
        long trainedChat = docs.stream().filter(d -> d.chat()).filter(d -> r.heldOutGroups().stream().noneMatch(g -> ("qa:" + g).equals(d.group())))
                .mapToLong(d -> tokenizer.encode(d.messages().get(1).content()).length + 1).sum();
        long trainedPlain = docs.stream().filter(d -> !d.chat()).mapToLong(d -> length(d) - 1).sum();
        assertThat(r.trainedTokens()).isEqualTo(trainedChat + trainedPlain);
    }

    @Test
    void tokenFrequenciesHashAndZipfCurve() {
        CorpusStats.Result r = CorpusStats.compute(docs, config, tokenizer, TrainingPipeline.hash(docs));
        assertThat(r.matchesRecorded()).isTrue();
        assertThat(CorpusStats.compute(docs, config, tokenizer, "other").matchesRecorded()).isFalse();
        // every training document has exactly one <|bos|> and one <|eos|>
        long bos = r.topTokens().stream().filter(t -> t.id() == tokenizer.id(SpecialToken.BOS)).findFirst().orElseThrow().count();
        long eos = r.topTokens().stream().filter(t -> t.id() == tokenizer.id(SpecialToken.EOS)).findFirst().orElseThrow().count();
        assertThat(bos).isEqualTo(r.trainDocuments());
        assertThat(eos).isEqualTo(r.trainDocuments());
        assertThat(r.topTokens()).isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));
        assertThat(r.zipf()).isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));
        assertThat(r.zipf().get(0).count()).isEqualTo(r.topTokens().get(0).count());
        assertThat(r.zipf().get(r.zipf().size() - 1).rank()).isEqualTo(r.distinctTokens());
    }
}
