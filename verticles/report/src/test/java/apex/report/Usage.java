package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Entities;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;

import java.util.List;

/** Hand-built stage results for the report tests: a 15-day window, $49.50 over 13,500 calls. */
final class Usage {
  static final Window WINDOW = new Window("2026-11-08", "2026-11-22", 15);
  static final String QUESTION = "Where can we cut our LLM bill?";

  static final Recommendation RIGHT_SIZE = new Recommendation("right-size-ticket-triage-gpt-4o",
      "model_right_sizing", "Route ticket-triage from gpt-4o to gpt-4o-mini", "Feature ticket-triage made 10,000 calls",
      38.54, "medium", "low", "medium", List.of("Put ticket-triage behind a flag", "A/B on 1,000 sampled requests"));
  static final Recommendation CACHE = new Recommendation("cache-openai-gpt-4o", "prompt_caching",
      "Cache repeated prompt prefixes on gpt-4o", "gpt-4o made 12,000 calls", 3.70, "low", "medium", "low",
      List.of("Put the stable parts first"));

  /** $204.00 spent through 2026-11-22, $12.345 a day for the 8 days left: 204 + 8 × 12.345 = $302.76. */
  static final Forecast FORECAST = new Forecast("2026-11", "2026-11-22", 204.00, 12.345, 0.4, 8, 302.76);

  private Usage() {}

  static TriageResult triage(String intent, String sufficiency, long rows) {
    return new TriageResult(intent, Entities.none(), WINDOW, sufficiency, rows, 0.9,
        List.of("data", "optimizer", "report"), "rules");
  }

  static TriageResult triage(String sufficiency, long rows) {
    return triage("cost_analysis", sufficiency, rows);
  }

  static Recommendation recommendation(String id, String lever, double savings, String confidence, String effort,
                                       List<String> steps) {
    return new Recommendation(id, lever, "Title " + id, "Evidence " + id, savings, confidence, effort, "low", steps);
  }

  /** The analyses a test varies; everything else is the fixed $49.50 window. */
  static final class Data {
    List<ModelSpend> models = List.of(
        new ModelSpend("openai", "gpt-4o", 12_000, 7_000_000, 0, 1_800_000, 35.50),
        new ModelSpend("acme", "acme-llm-9", 500, 400_000, 0, 20_000, 5.00));
    double total = 49.50;
    long cachedInput = 0;
    List<CacheUse> cacheUse = List.of();
    List<DuplicateUse> duplicates = List.of();
    List<LatencyStats> latency = List.of();
    List<BatchUse> batchUse = List.of();
    List<DayAnomaly> anomalies = List.of();
    Forecast forecast;
    Quality quality = new Quality(13_500, 0, 0, 0, 0, 0, 0, List.of());

    DataResult build() {
      return new DataResult(WINDOW, new Totals(13_500, 10_400_000, cachedInput, 0, 1_920_000, 0, 0, total), models,
          List.of(new FeatureSpend("ticket-triage", 10_000, 20.50), new FeatureSpend("summa|rize", 2_000, 15.00)),
          List.of(),
          List.of(new FeatureModelSpend("ticket-triage", "openai", "gpt-4o", 10_000, 5_000_000, 800_000, 80, 20.50)),
          List.of(new DaySpend("2026-11-09", 900, 3.40), new DaySpend("2026-11-08", 900, 3.30)),
          cacheUse, List.of(), List.of(), duplicates, latency, batchUse, anomalies, forecast, quality,
          List.of("legacy-model"), 1, false);
    }
  }
}
