package glassbox.rag;

import java.util.ArrayList;
import java.util.List;

/**
 * Retrieval quality over a question set: hit@1 and hit@3 (a lesson that answers the question
 * is among the first 1 / 3 hits) and MRR@10 (mean of 1/rank of the first such hit, 0 if none
 * in the top 10).
 */
public final class RetrievalEval {
    /** The scores, and the questions whose answer was not in the top 3 (to look at). */
    public record Report(int questions, double hitAt1, double hitAt3, double mrrAt10, List<String> missedAt3) {
    }

    private RetrievalEval() {
    }

    public static Report evaluate(CourseIndex index, List<DevQuestion> questions) {
        int h1 = 0, h3 = 0;
        double rr = 0;
        List<String> missed = new ArrayList<>();
        for (DevQuestion q : questions) {
            List<SearchHit> hits = index.search(q.question(), 10);
            int rank = 0;
            for (int i = 0; i < hits.size(); i++) {
                if (q.slugs().contains(hits.get(i).slug())) {
                    rank = i + 1;
                    break;
                }
            }
            if (rank == 1) {
                h1++;
            }
            if (rank >= 1 && rank <= 3) {
                h3++;
            } else {
                missed.add(q.question() + " -> " + (hits.isEmpty() ? "nothing" : hits.get(0).slug()));
            }
            rr += rank == 0 ? 0 : 1.0 / rank;
        }
        int n = questions.size();
        return new Report(n, (double) h1 / n, (double) h3 / n, rr / n, missed);
    }
}
