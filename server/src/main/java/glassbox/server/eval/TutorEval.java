package glassbox.server.eval;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.rag.course.Course;
import glassbox.rag.course.Lesson;
import glassbox.rag.course.Section;
import glassbox.server.Json;

/**
 * Asks the tutor every question of a set through its real API ({@code /v1/chat/completions},
 * model {@code glassbox-tutor}) and scores the answers against the course.
 */
public final class TutorEval {
    /** How the questions are asked: grounding mode, sampling, answer budget (null: the API's default). */
    public record Settings(String grounding, double temperature, Integer maxTokens, long seed) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final Set<String> courseGrams = new HashSet<>();
    private final Map<String, Set<String>> sectionGrams = new HashMap<>();

    public TutorEval(String baseUrl, Course course) {
        this.baseUrl = baseUrl;
        for (Lesson l : course.lessons()) {
            for (Section s : l.sections()) {
                Set<String> grams = AnswerScore.fourGramSet(s.text());
                sectionGrams.put(l.slug() + "\u0000" + s.heading(), grams);
                courseGrams.addAll(grams);
            }
            courseGrams.addAll(AnswerScore.fourGramSet(l.summary()));
        }
    }

    public List<AnswerScore> run(List<DevQuestion> questions, Settings settings) throws IOException, InterruptedException {
        List<AnswerScore> out = new ArrayList<>();
        for (DevQuestion q : questions) {
            out.add(ask(q, settings));
        }
        return out;
    }

    public AnswerScore ask(DevQuestion q, Settings settings) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", "glassbox-tutor");
        body.put("messages", List.of(Map.of("role", "user", "content", q.question())));
        body.put("temperature", settings.temperature());
        body.put("seed", settings.seed());
        body.put("grounding", settings.grounding());
        if (settings.maxTokens() != null) {
            body.put("max_tokens", settings.maxTokens());
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build();
        long t0 = System.nanoTime();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - t0) / 1e6;
        if (res.statusCode() != 200) {
            throw new IOException("the tutor answered " + res.statusCode() + " to '" + q.question() + "': " + res.body());
        }
        JsonNode json = Json.MAPPER.readTree(res.body());
        JsonNode choice = json.path("choices").path(0);
        String answer = choice.path("message").path("content").asText("");
        List<String> cited = new ArrayList<>();
        Set<String> citedGrams = new HashSet<>();
        for (JsonNode c : json.path("citations")) {
            cited.add(c.path("slug").asText());
            citedGrams.addAll(sectionGrams.getOrDefault(c.path("slug").asText() + "\u0000" + c.path("section").asText(), Set.of()));
        }
        boolean citeAt3 = cited.stream().limit(3).anyMatch(q.slugs()::contains);
        return new AnswerScore(q, answer, cited, citeAt3, AnswerScore.namesKeyTerm(answer, q.keyTerms()),
                AnswerScore.share(answer, citedGrams), AnswerScore.share(answer, courseGrams),
                "stop".equals(choice.path("finish_reason").asText()), json.path("usage").path("completion_tokens").asInt(), millis);
    }
}
