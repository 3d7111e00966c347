package apex.report;

import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.TriageResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static apex.report.ReportComposerTest.assertContainsAll;
import static apex.report.Usage.CACHE;
import static apex.report.Usage.RIGHT_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A question about one finding opens with it; the full report still follows. */
class IntentLedAnswerTest {
  private static final OptimizerResult OPTIMIZER =
      new OptimizerResult(99.00, 42.24, List.of(RIGHT_SIZE, CACHE), List.of(), "catalog");
  private static final DayAnomaly BACKFILL = new DayAnomaly("2026-11-12", 9.30, 3.30, 6.00, 7.5, "summa|rize", 5.50);

  private final ReportComposer composer = new ReportComposer();

  @Test
  void aCachingQuestionLeadsWithCacheUseAndTheCachingRecommendations() {
    Usage.Data data = new Usage.Data();
    data.cachedInput = 520_000;
    data.cacheUse = List.of(new CacheUse("policy-assistant", "openai", "gpt-4o", 3_000, 6_000_000, 300_000, 0,
        100_000, 0.05, 12_000, 12_400, 30.00));
    data.duplicates = List.of(new DuplicateUse("faq", "openai", "gpt-4o", 1_000, 700, 300, 2.50, 8.00));
    ReportResult result = ask("caching", data);
    // 520,000 / 10,400,000 = 5.0 %; only the prompt-caching recommendation is a caching lever.
    assertLeads(result, "Cache reads are 5.0% of your 10,400,000 input tokens. "
        + "1 caching recommendation would save $3.70 per month; the largest is to cache repeated prompt prefixes on "
        + "gpt-4o ($3.70). In the 15-day window",
        "## Executive summary", "## Caching", "## Recommendations", "## Spend by model");
    assertContainsAll(result.markdown(),
        "- #2 Cache repeated prompt prefixes on gpt-4o: $3.70 per month (low confidence)",
        "| policy-assistant | gpt-4o | 3,000 | 5.0% | 12,000 | 12,400 | $30.00 |",
        "| faq | gpt-4o | 1,000 | 700 | 300 | $2.50 |");
  }

  @Test
  void aLatencyQuestionLeadsWithTheSlowestModelsTopTenAndTheRestSummed() {
    Usage.Data data = new Usage.Data();
    List<LatencyStats> latency = new ArrayList<>(IntStream.rangeClosed(1, 12)
        .mapToObj(i -> new LatencyStats("openai", "model-" + i, i, 50L * i, 100L * i)).toList());
    Collections.shuffle(latency, new java.util.Random(7));
    data.latency = latency;
    ReportResult result = ask("latency", data);
    assertLeads(result, "Slowest at p95: model-12 (openai) at 1,200 ms, p50 600 ms, over 12 calls.",
        "## Latency by model", "| model-12 | openai | 12 | 600 | 1,200 |",
        "| model-3 | openai | 3 | 150 | 300 |", "_…and 2 more models with a lower p95, not shown._",
        "## Recommendations");
    assertFalse(result.markdown().contains("| model-2 |"), result.markdown());
  }

  @Test
  void anAnomalyQuestionLeadsWithTheDaysThatStoodOut() {
    Usage.Data data = new Usage.Data();
    data.anomalies = List.of(BACKFILL);
    ReportResult result = ask("anomaly", data);
    assertLeads(result, "1 day stood out; the largest, 2026-11-12, cost $9.30 against a "
        + "baseline of $3.30 ($6.00 more), most of it from summa|rize (+$5.50).",
        "## Anomalies", "| 2026-11-12 | summa\\|rize | $9.30 | $3.30 | $6.00 | 7.5 | $5.50 |",
        "## Recommendations");
  }

  @Test
  void aForecastQuestionLeadsWithTheMonthEndAndStatesItOnce() {
    Usage.Data data = new Usage.Data();
    data.forecast = Usage.FORECAST;
    ReportResult result = ask("budget_forecast", data);
    String forecast = "At the recent run rate of $12.35 a day, 2026-11 ends at about $302.76 ($204.00 spent through "
        + "2026-11-22). Daily cost is rising by $0.40 a day.";
    assertLeads(result, forecast, "## Month-end forecast\n\n" + forecast, "## Recommendations");
    assertEquals(1, count(result.report().summary(), "ends at about"), result.report().summary());
    assertEquals(1, count(result.markdown(), "## Month-end forecast"));
  }

  @Test
  void aBatchingQuestionShowsWhenTheCallsArrive() {
    Usage.Data data = new Usage.Data();
    List<Long> byHour = new ArrayList<>(Collections.nCopies(24, 0L));
    IntStream.rangeClosed(1, 4).forEach(h -> byHour.set(h, 22L + (h == 1 ? 2 : 0)));
    byHour.set(13, 10L);
    // 01:00–05:00 holds 24 + 22 + 22 + 22 = 90 of 100 calls.
    data.batchUse = List.of(new BatchUse("nightly-digest", "openai", "gpt-4o", 100, 0, 6.00, 6.00, byHour));
    ReportResult result = ask("batching", data);
    assertLeads(result, "No batch API lever applies to this usage",
        "## Batch API", "| nightly-digest | gpt-4o | 01:00–05:00 (90%) | 100 | 0 | $6.00 |",
        "## Recommendations");
  }

  @Test
  void aCostQuestionHasNoLeadAndShowsForecastAndAnomaliesAfterThePlan() {
    Usage.Data data = new Usage.Data();
    data.forecast = Usage.FORECAST;
    data.anomalies = List.of(BACKFILL);
    ReportResult result = ask("cost_analysis", data);
    assertLeads(result, "In the 15-day window",
        "## Executive summary", "## Recommendations", "## Action plan",
        "## Month-end forecast", "## Anomalies", "## Spend by model", "## Data quality", "## Method");
  }

  @Test
  void aModelQuestionListsTheModelChoiceRecommendations() {
    Recommendation alternative = Usage.recommendation("alt", "provider_alternatives", 2.00, "medium", "low", List.of());
    ReportResult result = composer.compose("Which model should we use?", Usage.triage("model_selection",
        TriageResult.SUFFICIENT, 13_500), new Usage.Data().build(),
        new OptimizerResult(99.00, 44.24, List.of(RIGHT_SIZE, CACHE, alternative), List.of(), "catalog"), List.of());
    assertLeads(result, "2 model choice recommendations would save $40.54 per month; the "
        + "largest is to route ticket-triage from gpt-4o to gpt-4o-mini ($38.54).",
        "## Model choice", "- #1 Route ticket-triage", "- #3 Title alt",
        "## Recommendations");
  }

  private ReportResult ask(String intent, Usage.Data data) {
    return composer.compose("question", Usage.triage(intent, TriageResult.SUFFICIENT, 13_500), data.build(),
        OPTIMIZER, List.of());
  }

  /** The summary opens with {@code summary}; the markdown holds {@code parts} in this order. */
  private static void assertLeads(ReportResult result, String summary, String... parts) {
    assertTrue(result.report().summary().startsWith(summary), result.report().summary());
    assertOrder(result.markdown(), parts);
  }

  private static void assertOrder(String markdown, String... parts) {
    int at = -1;
    for (String part : parts) {
      int found = markdown.indexOf(part, at + 1);
      assertTrue(found > at, "'" + part + "' after position " + at + " in:\n" + markdown);
      at = found;
    }
  }

  private static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }
}
