package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The report's markdown sections; the composer and the template pick which ones to write. */
final class ReportSections {
  private ReportSections() {}

  static final int TOP_ROWS = 8;

  static void recommendationTable(Markdown md, List<Recommendation> recommendations) {
    md.heading(2, "Recommendations");
    if (recommendations.isEmpty()) {
      md.paragraph("No recommendation for this usage.");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < recommendations.size(); i++) {
      Recommendation r = recommendations.get(i);
      rows.add(List.of(String.valueOf(i + 1), r.title(), Usd.format(r.monthlySavingsUsd()), r.effort(), r.risk(),
          r.confidence()));
    }
    md.table(List.of("#", "Recommendation", "Monthly savings", "Effort", "Risk", "Confidence"),
        List.of(true, false, true, false, false, false), rows);
  }

  static void actionPlan(Markdown md, List<Recommendation> recommendations) {
    if (recommendations.isEmpty()) {
      return;
    }
    md.heading(2, "Action plan");
    for (int i = 0; i < recommendations.size(); i++) {
      Recommendation r = recommendations.get(i);
      md.heading(3, String.format("%d. %s (%s per month)", i + 1, r.title(), Usd.format(r.monthlySavingsUsd())))
          .paragraph("Evidence: " + r.evidence())
          .numbered(r.steps());
    }
  }

  static void spendByModel(Markdown md, DataResult data) {
    md.heading(2, "Spend by model");
    double total = data.totals().costUsd();
    md.table(List.of("Model", "Provider", "Calls", "Input tokens", "Cached input", "Output tokens", "Cost", "Share"),
        List.of(false, false, true, true, true, true, true, true),
        topWithRest(data.byModel(), ModelSpend::costUsd, ModelSpend::requests,
            m -> List.of(m.model(), m.provider(), count(m.requests()), count(m.inputTokens()),
                count(m.cachedInputTokens()), count(m.outputTokens()), Usd.format(m.costUsd()), share(m.costUsd(), total)),
            (n, calls, cost) -> List.of("Other (" + n + " models)", "", count(calls), "", "", "", Usd.format(cost),
                share(cost, total))));
  }

  static void spendByFeature(Markdown md, DataResult data) {
    md.heading(2, "Spend by feature");
    double total = data.totals().costUsd();
    md.table(List.of("Feature", "Calls", "Cost", "Share"), List.of(false, true, true, true),
        topWithRest(data.byFeature(), FeatureSpend::costUsd, FeatureSpend::requests,
            f -> List.of(f.feature(), count(f.requests()), Usd.format(f.costUsd()), share(f.costUsd(), total)),
            (n, calls, cost) -> List.of("Other (" + n + " features)", count(calls), Usd.format(cost),
                share(cost, total))));
  }

  static void dataQuality(Markdown md, List<String> notes) {
    md.heading(2, "Data quality");
    md.bullets(notes.isEmpty() ? List.of("No gaps found: every model was priced and every stage finished.") : notes);
  }

  static void method(Markdown md, DataResult data, OptimizerResult optimizer) {
    SpendWindow window = new SpendWindow(data.window());
    StringBuilder text = new StringBuilder(String.format(Locale.US,
        "Spend is the sum of the cost of your %,d usage calls in the %s; monthly figures scale it by 30/%d. ",
        data.totals().requests(), window.describe(), data.window().days()));
    if (optimizer == null || ReportFacts.METHOD_BASIC.equals(optimizer.method())) {
      text.append("No savings were priced in this run.");
    } else {
      text.append("Savings are priced with the genai-prices catalog (@pydantic/genai-prices, MIT) at today's list "
          + "prices, as the ratio between the current and the proposed setup applied to your actual cost, so "
          + "discounts on your bill carry over. Levers apply in order (model right-sizing, then prompt caching on "
          + "the traffic that stays on each model), so no dollar is counted twice. Models the catalog does not "
          + "know get no estimate.");
    }
    md.heading(2, "Method").paragraph(text.toString());
  }

  /** What a table row for the rows past the top ones says: how many, their calls and their cost. */
  interface RestRow {
    List<String> cells(int rows, long calls, double costUsd);
  }

  private static <T> List<List<String>> topWithRest(List<T> items, ToDoubleFunction<T> cost, ToLongFunction<T> calls,
                                                     Function<T, List<String>> row, RestRow rest) {
    List<T> sorted = items.stream().sorted(Comparator.comparingDouble(cost).reversed()).toList();
    List<List<String>> rows = new ArrayList<>(sorted.stream().limit(TOP_ROWS).map(row).toList());
    List<T> others = sorted.stream().skip(TOP_ROWS).toList();
    if (!others.isEmpty()) {
      rows.add(rest.cells(others.size(), others.stream().mapToLong(calls).sum(),
          others.stream().mapToDouble(cost).sum()));
    }
    return rows;
  }

  private static String count(long value) {
    return String.format(Locale.US, "%,d", value);
  }

  private static String share(double cost, double total) {
    return total > 0 ? String.format(Locale.US, "%.1f%%", 100 * cost / total) : "–";
  }
}
