package apex.report;

import apex.contracts.stage.Recommendation;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order the report shows recommendations in: most monthly savings first; on a tie the surer
 * one (higher confidence), then the cheaper one to do (lower effort), then by id so the order
 * never depends on how the optimizer happened to list them.
 */
final class Ranking {
  private Ranking() {}

  private static final Map<String, Integer> CONFIDENCE = Map.of("high", 0, "medium", 1, "low", 2);
  private static final Map<String, Integer> EFFORT = Map.of("low", 0, "medium", 1, "high", 2);

  static List<Recommendation> rank(List<Recommendation> recommendations) {
    return recommendations.stream()
        .sorted(Comparator.comparingDouble(Recommendation::monthlySavingsUsd).reversed()
            .thenComparing(r -> CONFIDENCE.getOrDefault(r.confidence(), 3))
            .thenComparing(r -> EFFORT.getOrDefault(r.effort(), 3))
            .thenComparing(Recommendation::id))
        .toList();
  }
}
