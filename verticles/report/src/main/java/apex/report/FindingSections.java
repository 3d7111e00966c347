package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.Usd;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The sections that show one analysis of the data stage (caching, batch timing, latency, anomalies,
 * forecast) with the recommendations of its levers; a question about one of them opens with it.
 * Tables show the top {@link ReportSections#TOP_ROWS} rows and say how many more there are.
 */
final class FindingSections {
  private FindingSections() {}

  static void caching(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Caching");
    md.paragraph(Leads.caching(data, ranked));
    levers(md, ranked, Set.of(Levers.PROMPT_CACHING, Levers.DUPLICATE_CACHING));
    topTable(md, byCost(data.cacheUse(), CacheUse::costUsd),
        List.of("Feature", "Model", "Calls", "Cache reads", "p05 input", "p50 input", "Cost"), 2,
        c -> List.of(c.feature(), c.model(), count(c.requests()), percent(c.hitRatio()), count(c.p05InputTokens()),
            count(c.p50InputTokens()), Usd.format(c.costUsd())),
        "feature × model groups costing less");
    topTable(md, byCost(data.duplicates(), DuplicateUse::repeatedCostUsd).stream()
            .filter(d -> d.repeatedRequests() > 0).toList(),
        List.of("Feature", "Model", "Hashed calls", "Distinct prompts", "Repeats", "Repeats cost"), 2,
        d -> List.of(d.feature(), d.model(), count(d.requestsWithHash()), count(d.distinctPrompts()),
            count(d.repeatedRequests()), Usd.format(d.repeatedCostUsd())),
        "groups whose repeats cost less");
  }

  static void batching(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Batch API");
    md.paragraph(Leads.batching(data, ranked));
    levers(md, ranked, Set.of(Levers.BATCH_API));
    topTable(md, byCost(data.batchUse(), BatchUse::nonBatchCostUsd),
        List.of("Feature", "Model", "Busiest 4 h (UTC)", "Calls", "Batch calls", "Non-batch cost"), 3,
        b -> List.of(b.feature(), b.model(), busiestBlock(b.requestsByHour()), count(b.requests()),
            count(b.batchRequests()), Usd.format(b.nonBatchCostUsd())),
        "feature × model groups with less non-batch cost");
  }

  static void modelChoice(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Model choice");
    md.paragraph(Leads.modelChoice(data, ranked));
    levers(md, ranked, Set.of(Levers.MODEL_RIGHT_SIZING, Levers.PROVIDER_ALTERNATIVES));
  }

  /** Slowest first by p95. */
  static void latency(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Latency by model");
    List<LatencyStats> slowest = data.latency().stream()
        .sorted(Comparator.comparingLong(LatencyStats::p95Ms).reversed().thenComparing(LatencyStats::model)).toList();
    if (slowest.isEmpty()) {
      md.paragraph(Leads.latency(data, ranked));
      return;
    }
    md.paragraph(Leads.latency(data, ranked) + " Percentiles are over successful calls, in milliseconds.");
    topTable(md, slowest, List.of("Model", "Provider", "Calls", "p50 ms", "p95 ms"), 2,
        l -> List.of(l.model(), l.provider(), count(l.requests()), count(l.p50Ms()), count(l.p95Ms())),
        "models with a lower p95");
  }

  /** Largest excess first. */
  static void anomalies(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Anomalies");
    md.paragraph(Leads.anomalies(data, ranked));
    levers(md, ranked, Set.of(Levers.ANOMALY_ALERTS));
    topTable(md, byCost(data.anomalies(), DayAnomaly::excessUsd),
        List.of("Day", "Top feature", "Cost", "Baseline", "Excess", "Score", "Its excess"), 2,
        a -> List.of(a.day(), a.topFeature() == null ? "—" : a.topFeature(), Usd.format(a.costUsd()), Usd.format(a.baselineUsd()),
            Usd.format(a.excessUsd()), String.format(Locale.US, "%.1f", a.score()), Usd.format(a.topFeatureExcessUsd())),
        "anomalous days with a smaller excess");
  }

  static void forecast(Markdown md, DataResult data, List<Recommendation> ranked) {
    md.heading(2, "Month-end forecast");
    md.paragraph(Leads.forecast(data, ranked));
  }

  /** The recommendations of {@code levers}, with their rank in the full table. */
  private static void levers(Markdown md, List<Recommendation> ranked, Set<String> levers) {
    List<String> items = IntStream.range(0, ranked.size()).filter(i -> levers.contains(ranked.get(i).lever()))
        .limit(ReportSections.TOP_ROWS)
        .mapToObj(i -> String.format("#%d %s: %s per month (%s confidence)", i + 1, ranked.get(i).title(),
            Usd.format(ranked.get(i).monthlySavingsUsd()), ranked.get(i).confidence()))
        .toList();
    if (!items.isEmpty()) {
      md.bullets(items);
    }
  }

  /** e.g. "01:00–05:00 (92%)": the 4-hour UTC block (wrapping midnight) with the most calls. */
  static String busiestBlock(List<Long> byHour) {
    if (byHour == null || byHour.size() != 24) {
      return "–";
    }
    long total = byHour.stream().mapToLong(Long::longValue).sum();
    int best = 0;
    long bestCalls = -1;
    for (int start = 0; start < 24; start++) {
      int from = start;
      long calls = IntStream.range(0, 4).mapToLong(h -> byHour.get((from + h) % 24)).sum();
      if (calls > bestCalls) {
        best = start;
        bestCalls = calls;
      }
    }
    return total == 0 ? "–" : String.format(Locale.US, "%02d:00–%02d:00 (%.0f%%)", best, (best + 4) % 24,
        100.0 * bestCalls / total);
  }

  private static <T> List<T> byCost(List<T> items, ToDoubleFunction<T> cost) {
    return items == null ? List.of() : items.stream().sorted(Comparator.comparingDouble(cost).reversed()).toList();
  }

  /**
   * The top rows of {@code sorted} as a table, and a line for how many more there are; nothing when
   * empty. The first {@code textColumns} columns are text, the rest numbers (right-aligned).
   */
  private static <T> void topTable(Markdown md, List<T> sorted, List<String> header, int textColumns,
                                   Function<T, List<String>> row, String rest) {
    if (sorted.isEmpty()) {
      return;
    }
    md.table(header, IntStream.range(0, header.size()).mapToObj(i -> i >= textColumns).toList(),
        sorted.stream().limit(ReportSections.TOP_ROWS).map(row).toList());
    if (sorted.size() > ReportSections.TOP_ROWS) {
      md.paragraph(String.format(Locale.US, "_…and %d more %s, not shown._", sorted.size() - ReportSections.TOP_ROWS,
          rest));
    }
  }

  static String count(long value) {
    return String.format(Locale.US, "%,d", value);
  }

  static String percent(double ratio) {
    return String.format(Locale.US, "%.1f%%", 100 * ratio);
  }
}
