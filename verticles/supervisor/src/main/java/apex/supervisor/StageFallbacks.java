package apex.supervisor;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.Entities;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the supervisor answers in a stage's place when the stage cannot (ARCHITECTURE §3): triage →
 * a default plan, optimizer → basic recommendations from the aggregates alone, report → a template
 * report, the optional anomaly stage → the data stage's own anomalous days. (Data's fallback, the last aggregates kept for the same window, is read from the runs.)
 * Each is plainer than the stage it replaces and says so; the run is marked degraded.
 */
final class StageFallbacks {
  static final String DEFAULT_PLAN = "default-plan";
  static final String LAST_AGGREGATES = "last-aggregates";
  static final String BASIC_RECOMMENDATIONS = "basic-recommendations";
  static final String TEMPLATE_REPORT = "template-report";
  static final String DATA_ANOMALIES = "data-anomalies";
  static final String DATA_ANOMALIES_METHOD = "the data stage's: robust z-score against the median and MAD of days "
      + "of the same kind (weekday or weekend)";
  private static final int DEFAULT_WINDOW_DAYS = 30;

  private StageFallbacks() {}

  /** Triage's: analyse costs over the last 30 days and let the data stage tell. */
  static TriageResult defaultPlan() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Window window = new Window(today.minusDays(DEFAULT_WINDOW_DAYS - 1L).toString(), today.toString(), DEFAULT_WINDOW_DAYS);
    return new TriageResult("cost_analysis", Entities.none(), window, TriageResult.PARTIAL, 0, 0.3,
        List.of("data", "optimizer", "report"), DEFAULT_PLAN);
  }

  /**
   * The optimizer's: the two levers the aggregates price by themselves, without the pricing
   * catalog: billed calls that failed, and responses to prompts already answered. Each is what that
   * spend comes to in a month; they overlap, so they are not added into one saving.
   */
  static OptimizerResult basicRecommendations(DataResult data) {
    double perMonth = 30.0 / Math.max(1, data.window().days());
    List<Recommendation> found = new ArrayList<>();
    double failed = data.failures().stream().mapToDouble(DataResult.FailureWaste::failedCostUsd).sum() * perMonth;
    if (failed >= 0.01) {
      found.add(new Recommendation("basic-failed-calls", "retry_waste", "Stop paying for failed calls",
          "Calls that ended in an error, timeout or rate limit were billed " + usd(failed) + " a month.", cents(failed),
          "medium", "low", "low", List.of("Find the features whose calls fail most and fix the cause before retrying.",
              "Retry with exponential backoff and a cap instead of at once.")));
    }
    double repeated = data.duplicates().stream().mapToDouble(DataResult.DuplicateUse::repeatedCostUsd).sum() * perMonth;
    if (repeated >= 0.01) {
      found.add(new Recommendation("basic-repeated-prompts", "duplicate_caching", "Cache answers to repeated prompts",
          "Prompts identical to an earlier one cost " + usd(repeated) + " a month.", cents(repeated),
          "medium", "medium", "low", List.of("Cache responses by prompt hash for the features that repeat prompts.")));
    }
    found.sort((a, b) -> Double.compare(b.monthlySavingsUsd(), a.monthlySavingsUsd()));
    double monthly = cents(data.totals().costUsd() * perMonth);
    double top = found.isEmpty() ? 0 : found.get(0).monthlySavingsUsd();
    return new OptimizerResult(monthly, top, found, data.unpricedModels(), BASIC_RECOMMENDATIONS);
  }

  /** The report's: the figures and recommendations in a fixed layout, with the notes saying what fell back. */
  static ReportResult templateReport(String question, TriageResult triage, DataResult data, OptimizerResult optimizer,
                                     List<String> notes) {
    Window window = data == null ? triage.window() : data.window();
    double spend = data == null ? 0 : cents(data.totals().costUsd());
    double monthly = cents(spend * 30.0 / Math.max(1, window.days()));
    List<Recommendation> recommendations = optimizer == null ? List.of() : optimizer.recommendations();
    double savings = optimizer == null ? 0 : optimizer.totalMonthlySavingsUsd();
    String title = "AI spend, " + window.from() + " to " + window.to();
    String summary = data == null
        ? "No usage records were found for this window; upload an export of your LLM calls to get an analysis."
        : "You spent " + usd(spend) + " in the window, about " + usd(monthly) + " a month"
            + (recommendations.isEmpty() ? "." : "; the largest saving found is " + usd(savings) + " a month.");
    StringBuilder markdown = new StringBuilder("# ").append(title).append("\n\n").append(summary).append("\n\n");
    markdown.append("> You asked: ").append(question.strip().replaceAll("\\s+", " ")).append("\n\n");
    if (!recommendations.isEmpty()) {
      markdown.append("| Recommendation | Monthly savings | Evidence |\n|---|---|---|\n");
      recommendations.forEach(r -> markdown.append("| ").append(r.title()).append(" | ").append(usd(r.monthlySavingsUsd()))
          .append(" | ").append(r.evidence()).append(" |\n"));
      markdown.append('\n');
    }
    markdown.append("## Degraded answer\n\nThis answer was written from a template because some steps used a fallback:\n\n");
    notes.forEach(n -> markdown.append("- ").append(n).append('\n'));
    List<ReportResult.ChartPoint> byModel = data == null ? List.of() : data.byModel().stream()
        .map(m -> new ReportResult.ChartPoint(m.model(), cents(m.costUsd()))).toList();
    List<ReportResult.ChartPoint> byDay = data == null ? List.of() : data.byDay().stream()
        .map(d -> new ReportResult.ChartPoint(d.day(), cents(d.costUsd()))).toList();
    double percent = monthly == 0 ? 0 : Math.round(savings / monthly * 1000) / 10.0;
    return new ReportResult(markdown.toString(), new ReportResult.Report(title, summary, window, spend, monthly, savings,
        percent, recommendations, byModel, byDay, List.of(), null, List.of(), notes,
        List.of("Template report: the report stage was unavailable; figures are the window's totals, "
            + "monthly = window × 30 / days.")));
  }

  private static double cents(double usd) {
    return Math.round(usd * 100) / 100.0;
  }

  private static String usd(double usd) {
    return String.format(Locale.ROOT, "$%,.2f", usd);
  }
}
