package apex.report;

import apex.contracts.Schemas;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.ReportResult.ActionStep;
import apex.contracts.stage.ReportResult.ChartPoint;
import apex.contracts.stage.TriageResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static apex.report.Usage.CACHE;
import static apex.report.Usage.QUESTION;
import static apex.report.Usage.RIGHT_SIZE;
import static apex.report.Usage.WINDOW;
import static apex.report.Usage.triage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportComposerTest {
  private static final List<String> DEGRADED = List.of("Triage used rule-based classification (provider timed out).");
  private static final DataResult DATA = new Usage.Data().build();
  private static final OptimizerResult OPTIMIZER =
      new OptimizerResult(99.00, 42.24, List.of(CACHE, RIGHT_SIZE), List.of("acme-llm-9"), "catalog");

  private final ReportComposer composer = new ReportComposer();

  @Test
  void summaryCitesSpendProjectionSavingsTopActionAndForecast() {
    Usage.Data data = new Usage.Data();
    data.forecast = Usage.FORECAST;
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), data.build(), OPTIMIZER,
        DEGRADED);
    // 42.24 / 99.00 = 42.67 % → 42.7; the top action is the $38.54 right-sizing, low effort → this week.
    String summary = "In the 15-day window 2026-11-08 to 2026-11-22 your team spent $49.50 on 13,500 LLM calls "
        + "(10,400,000 input and 1,920,000 output tokens); at this rate that is $99.00 per month. The 2 "
        + "recommendations below save an estimated $42.24 per month (42.7% of spend); the top action is to route "
        + "ticket-triage from gpt-4o to gpt-4o-mini ($38.54 per month, low effort, this week). At the recent run "
        + "rate of $12.35 a day, 2026-11 ends at about $302.76 ($204.00 spent through 2026-11-22).";
    assertEquals(summary, result.report().summary());
    assertEquals(42.7, result.report().savingsPercent());
    assertEquals(302.76, result.report().monthEndForecastUsd());
    assertContainsAll(result.markdown(), "## Executive summary\n\n" + summary, "> " + QUESTION);
  }

  @Test
  void recommendationTableRanksByMonthlySavingsWithLeverAndThenEvidenceAndSteps() {
    assertContainsAll(composeSufficient().markdown(),
        "| # | Recommendation | Lever | Monthly savings | Confidence | Effort | Risk |",
        "| 1 | Route ticket-triage from gpt-4o to gpt-4o-mini | model_right_sizing | $38.54 | medium | low | medium |",
        "| 2 | Cache repeated prompt prefixes on gpt-4o | prompt_caching | $3.70 | low | medium | low |",
        "### 1. Route ticket-triage from gpt-4o to gpt-4o-mini ($38.54 per month)\n\n"
            + "Evidence: Feature ticket-triage made 10,000 calls\n\n1. Put ticket-triage behind a flag\n"
            + "2. A/B on 1,000 sampled requests",
        "| gpt-4o | openai | 12,000 | 7,000,000 | 0 | 1,800,000 | $35.50 | 71.7% |",
        "| summa\\|rize | 2,000 | $15.00 | 30.3% |",
        "## Method");
  }

  @Test
  void actionPlanGroupsStepsByEffortInRankOrder() {
    ReportResult result = composeSufficient();
    assertEquals(List.of(
        new ActionStep("this week", RIGHT_SIZE.id(),
            "Route ticket-triage from gpt-4o to gpt-4o-mini: Put ticket-triage behind a flag"),
        new ActionStep("this month", CACHE.id(), "Cache repeated prompt prefixes on gpt-4o: Put the stable parts first")),
        result.report().actionPlan());
    assertContainsAll(result.markdown(), "## Action plan\n\n### This week (low effort)\n\n"
        + "1. Route ticket-triage from gpt-4o to gpt-4o-mini: Put ticket-triage behind a flag (#1)\n\n"
        + "### This month (medium effort)\n\n1. Cache repeated prompt prefixes on gpt-4o: Put the stable parts first (#2)");
    assertFalse(result.markdown().contains("This quarter"), "no high-effort step, no quarter heading");
  }

  @Test
  void structuredReportCarriesTheSameFiguresAndCharts() {
    ReportResult.Report report =
        composer.compose(QUESTION, triage(TriageResult.PARTIAL, 40), DATA, OPTIMIZER, DEGRADED).report();
    assertEquals(49.50, report.windowSpendUsd());
    assertEquals(99.00, report.monthlySpendUsd());
    assertEquals(42.24, report.totalMonthlySavingsUsd());
    assertEquals(WINDOW, report.window());
    assertEquals(List.of(RIGHT_SIZE, CACHE), report.recommendations(), "ranked by savings, not as the optimizer sent");
    assertEquals(List.of(new ChartPoint("gpt-4o", 35.50), new ChartPoint("acme-llm-9", 5.00)), report.costByModel());
    assertEquals(List.of(new ChartPoint("2026-11-08", 3.30), new ChartPoint("2026-11-09", 3.40)), report.dailyCost());
    assertEquals(List.of(), report.forecastCost(), "no forecast from the data stage");
    assertNull(report.monthEndForecastUsd());
    List<String> notes = report.dataQualityNotes();
    assertTrue(notes.contains("Only 40 usage rows in the window: treat the figures as indicative."), notes::toString);
    assertTrue(notes.contains("Usage on 2 of the 15 days in the window."), notes::toString);
    assertTrue(notes.stream().anyMatch(n -> n.contains("acme-llm-9, legacy-model")), notes::toString);
    assertTrue(notes.contains(DEGRADED.get(0)), notes::toString);
  }

  @Test
  void methodSaysHowSpendMonthlyFiguresSavingsAndTheForecastWereComputed() {
    Usage.Data data = new Usage.Data();
    data.forecast = Usage.FORECAST;
    List<String> method = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), data.build(),
        OPTIMIZER, List.of()).report().method();
    assertEquals(5, method.size(), method::toString);
    assertTrue(method.get(0).startsWith("Spend is the sum of the recorded cost of your 13,500 usage calls"), method.get(0));
    assertEquals("Monthly figures are the window's figure × 30 / 15 days.", method.get(1));
    assertTrue(method.get(2).contains("docs/ANALYSIS.md"), method.get(2));
    assertTrue(method.get(4).contains("month-to-date $204.00 through 2026-11-22 + daily run rate $12.35"), method.get(4));
    assertTrue(method.get(4).contains("× 8 days left = $302.76"), method.get(4));
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
    ReportResult.Report report = result.report();
    assertEquals(0, report.windowSpendUsd());
    assertEquals(0, report.savingsPercent());
    assertTrue(report.recommendations().isEmpty() && report.forecastCost().isEmpty());
    assertNull(report.monthEndForecastUsd());
    assertEquals(List.of("this week", "this week"), report.actionPlan().stream().map(ActionStep::when).toList());
    assertTrue(report.actionPlan().get(0).text().contains("POST /api/usage"), report.actionPlan().toString());
    assertEquals(List.of("No spend was computed: there are no usage rows for you in the 15-day window 2026-11-08 to "
        + "2026-11-22."), report.method());
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
  }

  @Test
  void missingDataWithRowsInTheWindowSaysTheAnalysisIsUnavailable() {
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 900), null, null, DEGRADED);
    assertEquals("Spend analysis unavailable", result.report().title());
    assertFalse(result.markdown().contains("POST /api/usage"));
    assertTrue(result.report().dataQualityNotes().contains(DEGRADED.get(0)));
    assertEquals(List.of(), result.report().actionPlan());
    assertEquals(1, result.report().method().size());
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
  void longModelListsShowTheTopTenAndTheRestInOneRow() {
    Usage.Data data = new Usage.Data();
    List<ModelSpend> models = new ArrayList<>();
    IntStream.rangeClosed(1, 12).forEach(i ->
        models.add(new ModelSpend("openai", "model-" + i, i, 1_000, 0, 100, 100.0 * i + 0.56)));
    data.models = models;
    data.total = 1_234.56;
    String md = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 55), data.build(), OPTIMIZER, List.of())
        .markdown();
    assertTrue(md.contains("spent $1,234.56"), md);
    assertTrue(md.contains("| model-12 |") && md.contains("| model-3 |") && !md.contains("| model-2 |"), md);
    // model-1 and model-2: 1 + 2 calls, $100.56 + $200.56.
    assertTrue(md.contains("| Other (2 models) |  | 3 |  |  |  | $301.12 |"), md);
  }

  @Test
  void longRecommendationListsShowTheTopTenAndSumTheRestButPlanEveryStep() {
    List<Recommendation> twelve = IntStream.rangeClosed(1, 12).mapToObj(i -> Usage.recommendation(
        String.format("r%02d", i), "retry_waste", 13 - i, "high", "low", List.of("step " + i))).toList();
    ReportResult result = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA,
        new OptimizerResult(99.00, 78.00, twelve, List.of(), "catalog"), List.of());
    // r11 and r12 save $2 and $1.
    assertContainsAll(result.markdown(), "| 10 | Title r10 | retry_waste | $3.00 |",
        "|  | Other (2 recommendations) |  | $3.00 |  |  |  |", "12. Title r12: step 12 (#12)");
    assertFalse(result.markdown().contains("### 11. Title r11"), "details only for the top ten");
    assertEquals(12, result.report().actionPlan().size());
  }

  @Test
  void templateIsAPlainRenderingOfTheSameFacts() {
    ReportResult result = composer.template(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA, OPTIMIZER, DEGRADED);
    assertContainsAll(result.markdown(), "_Plain report",
        "| 1 | Route ticket-triage from gpt-4o to gpt-4o-mini | model_right_sizing | $38.54 | medium | low | medium |",
        "spent $49.50", "## Method");
    assertFalse(result.markdown().contains("## Action plan"), result.markdown());
    assertEquals(composeSufficient().report(), result.report());
  }

  @Test
  void aReportThatCannotBeComposedFallsBackToTheTemplateAndSaysSo() {
    Usage.Data data = new Usage.Data();
    // A batch row whose hourly counts hold a gap: the batch section cannot be written.
    data.batchUse = List.of(new BatchUse("nightly", "openai", "gpt-4o", 10, 0, 1.0, 1.0,
        Arrays.asList(new Long[24])));
    ReportResult result = composer.answer("run-1", "Should we batch?", triage("batching", TriageResult.SUFFICIENT,
        13_500), data.build(), OPTIMIZER, List.of());
    assertTrue(result.markdown().contains("_Plain report"), result.markdown());
    assertTrue(result.report().dataQualityNotes().stream()
        .anyMatch(n -> n.startsWith("report: the full report could not be composed")), result.report().toString());
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
  }

  @Test
  void textFromTheStagesCannotChangeTheMarkdownStructure() {
    Recommendation hostile = new Recommendation("x", "retry_waste", "Fix\n# Injected heading",
        "line one\n\n- injected bullet", 5, "high", "low", "low", List.of("do it\n## Injected"));
    String md = composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA,
        new OptimizerResult(99.00, 5, List.of(hostile), List.of(), "catalog"), List.of()).markdown();
    assertFalse(md.contains("\n# Injected") || md.contains("\n- injected") || md.contains("\n## Injected"), md);
    assertContainsAll(md, "Evidence: line one - injected bullet");
  }

  @Test
  void composedReportsMatchTheReportSchema() {
    Usage.Data data = new Usage.Data();
    data.forecast = Usage.FORECAST;
    TriageResult triage = triage(TriageResult.SUFFICIENT, 13_500);
    for (ReportResult result : List.of(composer.compose(QUESTION, triage, data.build(), OPTIMIZER, DEGRADED),
        composer.template(QUESTION, triage, data.build(), OPTIMIZER, DEGRADED))) {
      assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, result.toJson()));
    }
  }

  private ReportResult composeSufficient() {
    return composer.compose(QUESTION, triage(TriageResult.SUFFICIENT, 13_500), DATA, OPTIMIZER, DEGRADED);
  }

  static void assertContainsAll(String markdown, String... parts) {
    List<String> missing = Stream.of(parts).filter(part -> !markdown.contains(part)).toList();
    assertEquals(List.of(), missing, markdown);
  }
}
