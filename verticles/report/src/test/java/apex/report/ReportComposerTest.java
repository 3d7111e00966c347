package apex.report;

import apex.contracts.Schemas;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Entities;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.ReportResult.ChartPoint;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportComposerTest {
  private static final Window WINDOW = new Window("2026-11-08", "2026-11-22", 15);
  private static final String QUESTION = "Where can we cut our LLM bill?";
  private static final List<String> DEGRADED = List.of("Triage used rule-based classification (provider timed out).");

  private static final Recommendation RIGHT_SIZE = new Recommendation("right-size-ticket-triage-gpt-4o",
      "model_right_sizing", "Route ticket-triage from gpt-4o to gpt-4o-mini", "Feature ticket-triage made 10,000 calls",
      38.54, "medium", "low", "medium", List.of("Put ticket-triage behind a flag", "A/B on 1,000 sampled requests"));
  private static final Recommendation CACHE = new Recommendation("cache-openai-gpt-4o", "prompt_caching",
      "Cache repeated prompt prefixes on gpt-4o", "gpt-4o made 12,000 calls", 3.70, "low", "medium", "low",
      List.of("Put the stable parts first"));

  private static TriageResult triage(String sufficiency, long rows) {
    return new TriageResult("cost_analysis", Entities.none(), WINDOW, sufficiency,
        rows, 0.9, List.of("data", "optimizer", "report"), "rules");
  }

  private static DataResult data(List<ModelSpend> models, double total) {
    return new DataResult(WINDOW, new Totals(13_500, 10_400_000, 0, 0, 1_920_000, 0, 0, total), models,
        List.of(new FeatureSpend("ticket-triage", 10_000, 20.50), new FeatureSpend("summa|rize", 2_000, 15.00)),
        List.of(),
        List.of(new FeatureModelSpend("ticket-triage", "openai", "gpt-4o", 10_000, 5_000_000, 800_000, 80, 20.50)),
        List.of(new DaySpend("2026-11-09", 900, 3.40), new DaySpend("2026-11-08", 900, 3.30)),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null,
        new DataResult.Quality(13_500, 0, 0, 0, 0, 0, 0, List.of()), List.of("legacy-model"), 1, false);
  }

  private static final DataResult DATA = data(List.of(
      new ModelSpend("openai", "gpt-4o", 12_000, 7_000_000, 0, 1_800_000, 35.50),
      new ModelSpend("acme", "acme-llm-9", 500, 400_000, 0, 20_000, 5.00)), 49.50);

  private static final OptimizerResult OPTIMIZER =
      new OptimizerResult(99.00, 42.24, List.of(RIGHT_SIZE, CACHE), List.of("acme-llm-9"), "catalog");

  private final ReportComposer composer = new ReportComposer();

  @Test
  void markdownCitesTheWindowSpendProjectionAndSavings() {
    assertContainsAll(composeSufficient().markdown(),
        "15-day window 2026-11-08 to 2026-11-22",
        "spent $49.50 on 13,500 LLM calls",
        "$99.00 per month",
        "save an estimated $42.24 per month (43% of spend)",
        "> " + QUESTION);
  }

  @Test
  void recommendationTableHasOneRowPerRecommendationAndThePlanTheirSteps() {
    assertContainsAll(composeSufficient().markdown(),
        "| # | Recommendation | Monthly savings | Effort | Risk | Confidence |",
        "| 1 | Route ticket-triage from gpt-4o to gpt-4o-mini | $38.54 | low | medium | medium |",
        "| 2 | Cache repeated prompt prefixes on gpt-4o | $3.70 | medium | low | low |",
        "### 1. Route ticket-triage from gpt-4o to gpt-4o-mini ($38.54 per month)",
        "Evidence: Feature ticket-triage made 10,000 calls",
        "2. A/B on 1,000 sampled requests",
        "| gpt-4o | openai | 12,000 | 7,000,000 | 0 | 1,800,000 | $35.50 | 71.7% |",
        "| summa\\|rize | 2,000 | $15.00 | 30.3% |",
        "## Method");
  }

  @Test
  void structuredReportCarriesTheSameFiguresAndCharts() {
    ReportResult.Report report =
        composer.compose(QUESTION, triage(TriageResult.PARTIAL, 40), DATA, OPTIMIZER, DEGRADED).report();
    assertEquals(49.50, report.windowSpendUsd());
    assertEquals(99.00, report.monthlySpendUsd());
    assertEquals(42.24, report.totalMonthlySavingsUsd());
    assertEquals(WINDOW, report.window());
    assertEquals(List.of(RIGHT_SIZE, CACHE), report.recommendations());
    assertEquals(List.of(new ChartPoint("gpt-4o", 35.50), new ChartPoint("acme-llm-9", 5.00)), report.costByModel());
    assertEquals(List.of(new ChartPoint("2026-11-08", 3.30), new ChartPoint("2026-11-09", 3.40)), report.dailyCost());
    List<String> notes = report.dataQualityNotes();
    assertTrue(notes.contains("Only 40 usage rows in the window: treat the figures as indicative."), notes::toString);
    assertTrue(notes.contains("Usage on 2 of the 15 days in the window."), notes::toString);
    assertTrue(notes.stream().anyMatch(n -> n.contains("acme-llm-9, legacy-model")), notes::toString);
    assertTrue(notes.contains(DEGRADED.get(0)), notes::toString);
  }

  @Test
  void insufficientDataAnswersWithHowToUploadUsage() {
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.INSUFFICIENT, 0), null, null, List.of());
    String md = result.markdown();
    assertTrue(md.contains("no usage rows for you in the 15-day window 2026-11-08 to 2026-11-22"), md);
    assertTrue(md.contains("`POST /api/usage`") && md.contains("NDJSON") && md.contains("JSON array"), md);
    for (String column : List.of("ts", "provider", "model", "feature", "input_tokens", "output_tokens", "cost_usd")) {
      assertTrue(md.contains("| " + column + " |"), column);
    }
    assertEquals(0, result.report().windowSpendUsd());
    assertTrue(result.report().recommendations().isEmpty());
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
  }

  @Test
  void missingDataWithRowsInTheWindowSaysTheAnalysisIsUnavailable() {
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 900), null, null, DEGRADED);
    assertEquals("Spend analysis unavailable", result.report().title());
    assertFalse(result.markdown().contains("POST /api/usage"));
    assertTrue(result.report().dataQualityNotes().contains(DEGRADED.get(0)));
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
  }

  @Test
  void withoutOptimizerTheReportProjectsSpendItselfAndSaysWhy() {
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA, null, DEGRADED);
    assertEquals(99.00, result.report().monthlySpendUsd());
    assertEquals(0, result.report().totalMonthlySavingsUsd());
    assertTrue(result.markdown().contains("Recommendations are not available for this run"), result.markdown());
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
  }

  @Test
  void longModelListsShowTheTopEightAndTheRestInOneRow() {
    List<ModelSpend> models = new ArrayList<>();
    IntStream.rangeClosed(1, 10).forEach(i ->
        models.add(new ModelSpend("openai", "model-" + i, i, 1_000, 0, 100, 100.0 * i + 0.56)));
    DataResult many = data(models, 1_234.56);
    String md = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 55), many, OPTIMIZER, List.of()).markdown();
    assertTrue(md.contains("spent $1,234.56"), md);
    assertTrue(md.contains("| model-10 |") && md.contains("| model-3 |") && !md.contains("| model-2 |"), md);
    assertTrue(md.contains("| Other (2 models) |  | 3 |  |  |  | $301.12 |"), md);
  }

  @Test
  void templateIsAPlainRenderingOfTheSameFacts() {
    ReportResult result = composer.template(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA, OPTIMIZER, DEGRADED);
    assertContainsAll(result.markdown(),
        "_Plain report",
        "| 1 | Route ticket-triage from gpt-4o to gpt-4o-mini | $38.54 | low | medium | medium |",
        "spent $49.50");
    assertFalse(result.markdown().contains("## Action plan"), result.markdown());
    assertEquals(composeSufficient().report(), result.report());
  }

  @Test
  void composedReportsMatchTheReportSchema() {
    TriageResult triage = triage(TriageResult.SUFFICIENT, 13_500);
    for (ReportResult result : List.of(composer.compose(QUESTION, triage, DATA, OPTIMIZER, DEGRADED),
        composer.template(QUESTION, triage, DATA, OPTIMIZER, DEGRADED))) {
      assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
    }
  }

  private ReportResult composeSufficient() {
    return composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA, OPTIMIZER, DEGRADED);
  }

  private static void assertContainsAll(String markdown, String... parts) {
    List<String> missing = Stream.of(parts).filter(part -> !markdown.contains(part)).toList();
    assertEquals(List.of(), missing, markdown);
  }
}
