package glassbox.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import glassbox.model.export.WeightsIo;
import glassbox.model.train.Parallel;
import glassbox.model.train.Transformer;
import glassbox.model.train.Weights;
import glassbox.server.Http;
import glassbox.server.TestServer;

/** POST /v1/embeddings through the official OpenAI Java SDK, checked against the trainer's forward pass. */
class EmbeddingsApiTest {
    static OpenAIClient client;

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAIOkHttpClient.builder().baseUrl(TestServer.url() + "/v1").apiKey("not-needed").maxRetries(0).build();
    }

    /** Mean of the trainer's final-normed hidden states over the text's positions, scaled to length 1. */
    static double[] expected(String text) throws Exception {
        var engine = TestServer.services().engine();
        Weights w = WeightsIo.load(engine.modelDir());
        int[] ids = engine.tokenizer().encode(text);
        int h = w.config.hiddenSize();
        try (Parallel par = new Parallel(1)) {
            Transformer t = new Transformer(w, 1, ids.length, par);
            t.forward(ids);
            float[] normed = t.finalNormed();
            double[] mean = new double[h];
            for (int p = 0; p < ids.length; p++) {
                for (int i = 0; i < h; i++) {
                    mean[i] += normed[p * h + i];
                }
            }
            double len = 0;
            for (double x : mean) {
                len += x * x;
            }
            for (int i = 0; i < h; i++) {
                mean[i] /= Math.sqrt(len);
            }
            return mean;
        }
    }

    static double dot(List<Float> a, List<Float> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }

    @Test
    void theSdkGetsOnePooledUnitVectorPerInput() throws Exception {
        List<String> texts = List.of("Attention lets every token look back.", "A neuron adds a bias to a weighted sum.");
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("course-tiny")
                .inputOfArrayOfStrings(texts).build());
        assertThat(r.model()).isEqualTo("course-tiny");
        assertThat(r.data()).hasSize(2);
        var tokenizer = TestServer.services().engine().tokenizer();
        assertThat(r.usage().promptTokens()).isEqualTo(tokenizer.encode(texts.get(0)).length + tokenizer.encode(texts.get(1)).length);
        assertThat(r.usage().totalTokens()).isEqualTo(r.usage().promptTokens());
        for (int i = 0; i < 2; i++) {
            List<Float> e = r.data().get(i).embedding();
            assertThat(r.data().get(i).index()).isEqualTo(i);
            assertThat(e).hasSize(256);
            assertThat(dot(e, e)).isCloseTo(1.0, within(1e-4));
            double[] want = expected(texts.get(i));
            for (int j = 0; j < 256; j++) {
                assertThat((double) e.get(j)).isCloseTo(want[j], within(1e-4));
            }
        }
        // a single string gives the same vector as the same string inside an array
        List<Float> alone = client.embeddings().create(EmbeddingCreateParams.builder().model("course-tiny").input(texts.get(1)).build())
                .data().getFirst().embedding();
        assertThat(dot(alone, r.data().get(1).embedding())).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void floatAndBase64AgreeAndTokenIdsAreAccepted() throws Exception {
        String url = TestServer.url() + "/v1/embeddings";
        JsonNode f = Http.json(Http.post(url, "{\"model\":\"course-tiny\",\"input\":\"The softmax\",\"encoding_format\":\"float\"}"));
        JsonNode b = Http.json(Http.post(url, "{\"model\":\"course-tiny\",\"input\":\"The softmax\",\"encoding_format\":\"base64\"}"));
        byte[] bytes = java.util.Base64.getDecoder().decode(b.get("data").get(0).get("embedding").asText());
        var buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes).hasSize(256 * 4);
        for (int i = 0; i < 256; i++) {
            assertThat(buf.getFloat()).isEqualTo(f.get("data").get(0).get("embedding").get(i).floatValue());
        }
        int[] ids = TestServer.services().engine().tokenizer().encode("The softmax");
        JsonNode t = Http.json(Http.post(url, "{\"model\":\"course-tiny\",\"input\":" + java.util.Arrays.toString(ids) + "}"));
        assertThat(t.get("data").get(0).get("embedding")).isEqualTo(f.get("data").get(0).get("embedding"));
        assertThat(t.get("usage").get("prompt_tokens").asInt()).isEqualTo(ids.length);
    }

    @Test
    void badRequestsAre400sAndAnUnknownModelIs404() throws Exception {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small").input("hi").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("glassbox-tutor").input("hi").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("course-tiny");
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("course-tiny").input("").build()))
                .isInstanceOf(BadRequestException.class);
        String url = TestServer.url() + "/v1/embeddings";
        for (String body : List.of("{\"model\":\"course-tiny\"}", "{\"model\":\"course-tiny\",\"input\":[]}", "{\"model\":\"course-tiny\",\"input\":3}",
                "{\"model\":\"course-tiny\",\"input\":[\"a\",{}]}", "{\"model\":\"course-tiny\",\"input\":[99999]}", "{\"input\":\"a\"}",
                "{\"model\":\"course-tiny\",\"input\":\"a\",\"encoding_format\":\"int8\"}", "{\"model\":\"course-tiny\",\"input\":\"a\",\"dimensions\":64}",
                "{\"model\":\"course-tiny\",\"input\":\"" + "attention ".repeat(TestServer.contextLength() + 88) + "\"}",
                "{\"model\":\"course-tiny\",\"input\":[" + String.join(",", java.util.Collections.nCopies(40, "\"" + "attention ".repeat(250) + "\"")) + "]}")) {
            var r = Http.post(url, body);
            assertThat(r.statusCode()).as(body.substring(0, Math.min(80, body.length()))).isEqualTo(400);
            assertThat(Http.json(r).get("error").get("param").asText()).isNotBlank();
        }
    }
}
