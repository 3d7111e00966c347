package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.Usd;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Each finding in one or two sentences, from the data and the ranked recommendations. The summary
 * opens with the one the question asks about and its section repeats it, so the JSON and the
 * markdown state the same facts.
 */
final class Leads {
  private Leads() {}

  static String caching(DataResult data, List<Recommendation> ranked) {
    long input = data.totals().inputTokens();
    String share = input > 0 ? String.format(Locale.US, "Cache reads are %.1f%% of your %,d input tokens. ",
        100.0 * data.totals().cachedInputTokens() / input, input) : "";
    return share + levers(ranked, Set.of(Levers.PROMPT_CACHING, Levers.DUPLICATE_CACHING), "caching",
        "prompt caching needs a large repeated prefix, duplicate caching repeated identical prompts");
  }

  static String batching(DataResult data, List<Recommendation> ranked) {
    return levers(ranked, Set.of(Levers.BATCH_API), "batch API",
        "it needs a scheduled job on a provider with a batch discount");
  }

  static String modelChoice(DataResult data, List<Recommendation> ranked) {
    return levers(ranked, Set.of(Levers.MODEL_RIGHT_SIZING, Levers.PROVIDER_ALTERNATIVES), "model choice",
        "no short-output feature has a smaller model in its family and no model is sold cheaper elsewhere");
  }

  static String forecast(DataResult data, List<Recommendation> ranked) {
    return data.forecast() == null ? "No month-end forecast was computed for this run."
        : ForecastFacts.sentence(data.forecast()) + " Daily cost is " + ForecastFacts.trend(data.forecast()) + ".";
  }

  static String anomalies(DataResult data, List<Recommendation> ranked) {
    Optional<DayAnomaly> largest = Optional.ofNullable(data.anomalies()).orElse(List.of()).stream()
        .max(Comparator.comparingDouble(DayAnomaly::excessUsd));
    if (largest.isEmpty()) {
      return "No day's cost stood out from the baseline of days of its kind (weekday or weekend).";
    }
    DayAnomaly a = largest.get();
    int days = data.anomalies().size();
    // An anomaly stage outside the JVM may find days without naming a feature (docs/POLYGLOT.md).
    String from = a.topFeature() == null ? "" : String.format(Locale.US, ", most of it from %s (+%s)", a.topFeature(),
        Usd.format(a.topFeatureExcessUsd()));
    return String.format(Locale.US, "%d %s stood out; the largest, %s, cost %s against a baseline of %s (%s more)%s.",
        days, days == 1 ? "day" : "days", a.day(), Usd.format(a.costUsd()), Usd.format(a.baselineUsd()),
        Usd.format(a.excessUsd()), from);
  }

  static String latency(DataResult data, List<Recommendation> ranked) {
    return Optional.ofNullable(data.latency()).orElse(List.of()).stream()
        .max(Comparator.comparingLong(LatencyStats::p95Ms))
        .map(l -> String.format(Locale.US, "Slowest at p95: %s (%s) at %,d ms, p50 %,d ms, over %,d calls.",
            l.model(), l.provider(), l.p95Ms(), l.p50Ms(), l.requests()))
        .orElse("No latency was recorded for the calls in the window.");
  }

  private static String levers(List<Recommendation> ranked, Set<String> levers, String kind, String whyNone) {
    List<Recommendation> matching = ranked.stream().filter(r -> levers.contains(r.lever())).toList();
    if (matching.isEmpty()) {
      return "No " + kind + " lever applies to this usage (" + whyNone + ").";
    }
    double total = matching.stream().mapToDouble(Recommendation::monthlySavingsUsd).sum();
    Recommendation top = matching.get(0);
    return String.format(Locale.US, "%d %s %s save %s per month; the largest is to %s (%s).", matching.size(), kind,
        matching.size() == 1 ? "recommendation would" : "recommendations would", Usd.format(total),
        lowerFirst(top.title()), Usd.format(top.monthlySavingsUsd()));
  }

  static String lowerFirst(String text) {
    return text == null || text.isEmpty() ? "" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
