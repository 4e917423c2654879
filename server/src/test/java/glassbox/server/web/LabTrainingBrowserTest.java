package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.tokenizer.ChatFormat;
import glassbox.model.train.LearningRateSchedule;
import glassbox.server.Json;
import glassbox.server.TestServer;

/**
 * The training lessons' widgets (13–17, 20): real numbers against the model directory and the
 * trainer's own code, browser math against each lesson's worked example.
 */
class LabTrainingBrowserTest {

    /** Lesson 13's corpus is counted once in the background (a minute or more): start it while the other widgets are tested. */
    @BeforeAll
    static void startCountingTheCorpus() throws Exception {
        glassbox.server.Http.get(TestServer.url() + "/api/corpus");
    }

    private static JsonNode trainingJson() throws Exception {
        Path dir = TestServer.services().engine().info().dir();
        return Json.MAPPER.readTree(dir.resolve("training.json").toFile());
    }

    @Test
    void pretrainingLoopShowsTheRealScheduleAndTheWorkedExample() throws Exception {
        LabPage lab = LabPage.open("14-the-pretraining-loop");
        // the real run: the learning rate the trainer's own schedule gives at step 400 (0-based 399), and the recorded loss
        JsonNode t = trainingJson(), c = t.get("config");
        var schedule = new LearningRateSchedule((float) c.get("learning_rate").asDouble(), (float) c.get("min_learning_rate").asDouble(),
                c.get("warmup_steps").asInt(), c.get("max_steps").asInt());
        String before = lab.value("real-lr");
        assertThat(lab.number("real-lr")).isCloseTo(schedule.at(0), within(1e-7));
        lab.set("input[type=range]", 0, "400");
        lab.valueChangedFrom("real-lr", before);
        assertThat(lab.number("real-lr")).isCloseTo(schedule.at(399), within(schedule.at(399) * 1e-3));
        assertThat(lab.number("real-train-loss")).isCloseTo(t.get("curve").get(399).get("train_loss").asDouble(), within(1e-4));
        assertThat(lab.value("real-val-loss")).contains("step 400");
        // the worked example: 5.5e-4 at step 1,550, 5e-4 at step 50, the floor at 3,000; exercise 1: 8.77e-4 at step 800
        assertThat(lab.number("lr")).isCloseTo(5.5e-4, within(1e-9));
        lab.set("input[type=number]", 4, "50");
        assertThat(lab.number("lr")).isCloseTo(5e-4, within(1e-9));
        lab.set("input[type=number]", 4, "3000");
        assertThat(lab.number("lr")).isCloseTo(1e-4, within(1e-9));
        lab.set("input[type=number]", 4, "800");
        assertThat(lab.number("lr")).isCloseTo(8.77e-4, within(5e-7));
        // clipping a norm of 4 at 1: every gradient × 0.25
        assertThat(lab.number("clip-scale")).isEqualTo(0.25);
        // exercise 3: the steady tiny gradient moves about the learning rate, the flipping one about 0.053 of it
        assertThat(lab.number("ratio-a")).isCloseTo(1.0, within(1e-3));
        assertThat(Math.abs(lab.number("ratio-b"))).isCloseTo(0.1 / 1.9, within(1e-3));
        lab.set("input[type=text]", 1, "1");
        assertThat(lab.number("ratio-b")).isCloseTo(1.0, within(1e-3));
        lab.finish();
    }

    @Test
    void computeCalculatorReproducesTheChinchillaBudgetAndPlacesTheRealRun() throws Exception {
        LabPage lab = LabPage.open("15-compute-and-scale");
        // worked example: N = 70e9, D = 1.4e12 → 20 tokens per parameter, 5.88e23 FLOPs, 588,000 s at 1e18 FLOP/s (6.8 days)
        assertThat(lab.number("tokens-per-param")).isEqualTo(20.0);
        assertThat(lab.number("flops")).isCloseTo(5.88e23, within(1e20));
        assertThat(lab.value("seconds")).isEqualTo("588,000 s");
        assertThat(lab.number("days")).isEqualTo(6.8);
        // exercise 1: GPT-3 → 3.15e23 FLOPs, 1.7 tokens per parameter, compute-optimal ≈ 51B parameters on ≈ 1.0T tokens
        lab.set("select", "GPT-3");
        assertThat(lab.number("flops")).isCloseTo(3.15e23, within(1e20));
        assertThat(lab.number("tokens-per-param")).isCloseTo(1.714, within(1e-3));
        assertThat(lab.number("optimal-n")).isCloseTo(5.12e10, within(1e8));
        assertThat(lab.number("optimal-d")).isCloseTo(1.02e12, within(1e10));
        // exercise 3: 7e9 parameters × 16 bytes sharded over 8 devices → 14 GB each
        lab.set("input[type=number]", 0, "7e9").set("input[type=number]", 4, "8");
        assertThat(lab.number("state-per-device")).isEqualTo(14.0);
        // the real run, from training.json: tokens seen / parameters
        JsonNode t = trainingJson();
        lab.set("select", "course-tiny");
        assertThat(lab.number("tokens-per-param")).isCloseTo(t.get("tokens_seen").asDouble() / t.get("parameters").asDouble(), within(1e-3));
        assertThat(lab.number("flops")).isCloseTo(6 * t.get("tokens_seen").asDouble() * t.get("parameters").asDouble(), within(1e12));
        assertThat(lab.value("tiny-run")).contains(String.format(java.util.Locale.ROOT, "%,d", t.get("train_tokens").asLong()));
        lab.finish();
    }

    @Test
    void contextWindowComputesTheKvCacheFromTheRealConfigAndRotatesRopePairs() throws Exception {
        LabPage lab = LabPage.open("20-context-window");
        JsonNode c = Json.MAPPER.readTree(TestServer.services().engine().info().dir().resolve("config.json").toFile());
        int layers = c.get("num_hidden_layers").asInt(), kv = c.get("num_key_value_heads").asInt(), hd = c.get("head_dim").asInt();
        int ctx = c.get("glassbox_context_length").asInt();
        long perToken = 2L * layers * kv * hd * 4;   // float32
        // worked example: 2 × 6 × 256 × 4 = 12,288 bytes per token, 12 MiB at 1,024 tokens, 524,288 pairs
        assertThat(lab.number("kv-per-token")).isEqualTo(perToken).isEqualTo(12_288);
        assertThat(lab.number("kv-total")).isEqualTo(perToken * ctx);
        assertThat(lab.number("pairs")).isEqualTo(ctx * (double) ctx / 2);
        lab.set("input[type=number]", 3, "8192");
        assertThat(lab.value("kv-total")).contains("96 MiB");
        assertThat(lab.number("pairs")).isEqualTo(33_554_432);
        // exercise 1: 80 layers, 8 key/value heads of 128, 16-bit → 327,680 bytes per token, 10 GiB at 32,768 tokens, 8× without GQA
        lab.set("select", 0, "Llama 2 70B").set("input[type=number]", 3, "32768");
        assertThat(lab.number("kv-per-token")).isEqualTo(327_680);
        assertThat(lab.value("kv-total")).contains("10 GiB");
        assertThat(lab.number("kv-without-gqa")).isEqualTo(8 * 327_680);
        // RoPE with the real head size and theta: pair 0 turns (ctx-1)/2π times; the slow pairs never complete a turn
        double theta = c.get("rope_theta").asDouble();
        long slow = java.util.stream.IntStream.range(0, hd / 2).filter(i -> (ctx - 1) * Math.pow(theta, -2.0 * i / hd) < 2 * Math.PI).count();
        assertThat(lab.value("slow-pairs")).isEqualTo(slow + " of " + hd / 2).isEqualTo("7 of 16");
        assertThat(lab.number("turns")).isCloseTo((ctx - 1) / (2 * Math.PI), within(0.01));
        lab.set("input[type=range]", 0, String.valueOf(hd / 2 - 1)).set("input[type=range]", 1, String.valueOf(4 * ctx - 1));
        assertThat(lab.number("angle")).isCloseTo((4 * ctx - 1) * Math.pow(theta, -(hd - 2.0) / hd), within(1e-3));
        assertThat(lab.value("rope-verdict")).startsWith("New territory");
        // position interpolation by 4: position 4,095 becomes 1,023.75, inside the trained range
        lab.set("select", 2, "4");
        assertThat(lab.value("rope-verdict")).startsWith("An angle this pair already met");
        lab.finish();
    }

    @Test
    void rlhfReproducesTheRewardAndDpoWorkedExample() throws Exception {
        LabPage lab = LabPage.open("17-rlhf");
        // worked example: r_w 1.2, r_l 0.4 → σ(0.8) ≈ 0.690, loss ≈ 0.371
        assertThat(lab.number("p-chosen")).isCloseTo(0.690, within(1e-3));
        assertThat(lab.number("rm-loss")).isCloseTo(0.371, within(1e-3));
        // the wrong way round: σ(−0.8) ≈ 0.310, loss ≈ 1.171
        lab.click("button");
        assertThat(lab.number("rm-loss")).isCloseTo(1.171, within(1e-3));
        assertThat(lab.number("p-chosen")).isCloseTo(0.310, within(1e-3));
        // exercise 1: scores 2.0 and 0.5 → loss ≈ 0.201
        lab.set("input[type=range]", 0, "2").set("input[type=range]", 1, "0.5");
        assertThat(lab.number("rm-loss")).isCloseTo(0.201, within(1e-3));
        // DPO: β 0.1, +2.0 and −1.0 → score 0.3, loss ≈ 0.554; exercise 1: +1.5 and −0.5 → 0.2, loss ≈ 0.598
        assertThat(lab.number("dpo-score")).isCloseTo(0.3, within(1e-9));
        assertThat(lab.number("dpo-loss")).isCloseTo(0.554, within(1e-3));
        lab.set("input[type=number]", 0, "1.5").set("input[type=number]", 1, "-0.5");
        assertThat(lab.number("dpo-score")).isCloseTo(0.2, within(1e-9));
        assertThat(lab.number("dpo-loss")).isCloseTo(0.598, within(1e-3));
        lab.finish();
    }

    @Test
    void fineTuningRendersTheRealChatTemplateAndCountsLora() throws Exception {
        LabPage lab = LabPage.open("16-fine-tuning-and-instruction-tuning");
        var tokenizer = TestServer.services().engine().tokenizer();
        var lesson = java.util.List.of(new ChatFormat.Message("system", "You are the Glassbox tutor."),
                new ChatFormat.Message("user", "What is a token?"), new ChatFormat.Message("assistant", "A token is a piece of text..."));
        assertThat(lab.value("rendered")).isEqualTo(ChatFormat.render(lesson, false));
        assertThat(lab.number("token-count")).isEqualTo(ChatFormat.encode(tokenizer, lesson, false).length);
        // the loss counts the answer's tokens and its closing <|end|>
        assertThat(lab.number("trained-count")).isEqualTo(tokenizer.encode("A token is a piece of text...").length + 1);
        String before = lab.value("trained-count");
        String answer = "Tokens are the pieces a tokenizer cuts text into, such as words and parts of words.";
        lab.set("input[type=text]", 2, answer);
        lab.valueChangedFrom("trained-count", before);
        assertThat(lab.number("trained-count")).isEqualTo(tokenizer.encode(answer).length + 1);
        // as a prompt: system + user + <|assistant|>, nothing trained
        lab.set("select", 0, "true");
        lab.waitFor(() -> lab.value("rendered").endsWith("<|assistant|>"));
        assertThat(lab.number("trained-count")).isZero();
        assertThat(lab.number("token-count")).isEqualTo(ChatFormat.encode(tokenizer, lesson.subList(0, 2), true).length);
        // LoRA, worked example: 4096 × 4096 = 16,777,216 against 65,536 at rank 8, 1/256
        assertThat(lab.number("full")).isEqualTo(16_777_216);
        assertThat(lab.number("adapter")).isEqualTo(65_536);
        assertThat(lab.value("ratio")).isEqualTo("0.39 % (1/256)");
        // exercise 1: rank 16 on W_Q and W_V in 32 layers → 8,388,608, 0.12 % of 7B
        lab.set("select", 1, "exercise");
        assertThat(lab.number("total")).isEqualTo(8_388_608);
        assertThat(lab.value("model-share")).isEqualTo("0.12 %");
        // course-tiny's real width and depth from config.json, all four attention projections at rank 8
        JsonNode c = Json.MAPPER.readTree(TestServer.services().engine().info().dir().resolve("config.json").toFile());
        lab.set("select", 1, "tiny");
        assertThat(lab.number("total")).isEqualTo(2.0 * c.get("hidden_size").asInt() * 8 * 4 * c.get("num_hidden_layers").asInt());
        lab.finish();
    }

    @Test
    void pretrainingDataCountsTheRealCorpusAndTheWorkedMixture() throws Exception {
        // the corpus is counted once, in the background: wait for it here rather than inside the page's 30 s waits
        JsonNode corpus = null;
        for (int i = 0; i < 600 && corpus == null; i++) {
            var r = glassbox.server.Http.get(TestServer.url() + "/api/corpus");
            assertThat(r.statusCode()).isIn(200, 202);
            if (r.statusCode() == 200) {
                corpus = glassbox.server.Http.json(r);
            } else {
                Thread.sleep(1000);
            }
        }
        assertThat(corpus).as("/api/corpus within 10 minutes").isNotNull();
        LabPage lab = LabPage.open("13-pretraining-data");
        // the worked example's mixture: shares add to 100 %, Wikipedia 2.5 passes, the web 0.35, books 80 B
        assertThat(lab.value("mix-total-share")).isEqualTo("100 %");
        assertThat(lab.number("passes-wikipedia")).isEqualTo(2.5);
        assertThat(lab.number("passes-filtered-web")).isEqualTo(0.35);
        assertThat(lab.number("trained-books")).isEqualTo(80.0);
        // exercise 1: 2,000 B → web 1,500 B at 0.375 passes, code 0.6, books 2.0
        lab.set("select", 0, "exercise");
        assertThat(lab.number("passes-filtered-web")).isEqualTo(0.375);
        assertThat(lab.number("passes-code")).isEqualTo(0.6);
        assertThat(lab.number("passes-books")).isEqualTo(2.0);
        // the real corpus: each course document's tokens, worked out here from the course and the model's tokenizer
        var tokenizer = TestServer.services().engine().tokenizer();
        var courseDocs = glassbox.model.train.data.CorpusBuilder.build(glassbox.server.CourseTexts.of(TestServer.services().course()));
        var lesson = courseDocs.stream().filter(d -> d.id().equals("lesson:13-pretraining-data")).findFirst().orElseThrow();
        assertThat(lab.number("doc-lesson:13-pretraining-data")).isEqualTo(tokenizer.encode(lesson.text()).length + 2);   // + <|bos|>, <|eos|>
        long lessonTokens = courseDocs.stream().filter(d -> d.id().startsWith("lesson:")).mapToLong(d -> tokenizer.encode(d.text()).length + 2).sum();
        assertThat(lab.number("kind-lesson")).isEqualTo(lessonTokens);
        assertThat(lab.number("train-tokens") + lab.number("validation-tokens")).isEqualTo(lab.number("tokens"));
        // the hash training recorded, next to today's
        assertThat(lab.value("recorded-hash")).isEqualTo(trainingJson().get("corpus_sha256").asText());
        assertThat(lab.value("recorded-tokens")).startsWith(String.format(java.util.Locale.ROOT, "%,d / ", trainingJson().get("train_tokens").asLong()));
        assertThat(lab.value("corpus-hash")).matches("[0-9a-f]{64}");
        assertThat(lab.value("hash-verdict")).startsWith(lab.value("corpus-hash").equals(lab.value("recorded-hash")) ? "They match" : "They differ");
        lab.finish();
    }
}
