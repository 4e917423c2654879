package glassbox.server.eval;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The figures of one eval run over a question set. */
public record EvalSummary(String grounding, int questions, double citeAt3, double keyTermRate, double groundedShare,
                          double courseShare, double cleanStopRate, double meanAnswerTokens, double p50Millis, double p99Millis) {

    public static EvalSummary of(String grounding, List<AnswerScore> scores) {
        double[] ms = scores.stream().mapToDouble(AnswerScore::millis).sorted().toArray();
        return new EvalSummary(grounding, scores.size(), rate(scores, AnswerScore::citeAt3), rate(scores, AnswerScore::keyTerm),
                mean(scores, AnswerScore::groundedShare), mean(scores, AnswerScore::courseShare), rate(scores, AnswerScore::cleanStop),
                mean(scores, s -> s.answerTokens()), percentile(ms, 0.50), percentile(ms, 0.99));
    }

    private static double rate(List<AnswerScore> s, Predicate<AnswerScore> p) {
        return s.isEmpty() ? 0 : s.stream().filter(p).count() / (double) s.size();
    }

    private static double mean(List<AnswerScore> s, ToDoubleFunction<AnswerScore> f) {
        return s.stream().mapToDouble(f).average().orElse(0);
    }

    private static double percentile(double[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, """
                questions            %d (grounding: %s)
                cite@3               %.3f
                key-term rate        %.3f
                grounded share       %.3f  (answer 4-grams in the cited sections)
                course share         %.3f  (answer 4-grams anywhere in the course)
                clean stops          %.3f
                mean answer tokens   %.1f
                latency p50 / p99    %.0f / %.0f ms""", questions, grounding, citeAt3, keyTermRate, groundedShare, courseShare,
                cleanStopRate, meanAnswerTokens, p50Millis, p99Millis);
    }

}
