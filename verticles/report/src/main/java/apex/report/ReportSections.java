package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.ReportResult.ActionStep;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The report's markdown sections; the composer and the template pick which ones to write. */
final class ReportSections {
  private ReportSections() {}

  /** Chat tables show this many rows and sum up the rest in one. */
  static final int TOP_ROWS = 10;

  static void recommendationTable(Markdown md, List<Recommendation> ranked) {
    md.heading(2, "Recommendations");
    if (ranked.isEmpty()) {
      md.paragraph("No recommendation for this usage.");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP_ROWS, ranked.size()); i++) {
      Recommendation r = ranked.get(i);
      rows.add(List.of(String.valueOf(i + 1), r.title(), r.lever(), Usd.format(r.monthlySavingsUsd()), r.confidence(),
          r.effort(), r.risk()));
    }
    List<Recommendation> rest = ranked.subList(Math.min(TOP_ROWS, ranked.size()), ranked.size());
    if (!rest.isEmpty()) {
      rows.add(List.of("", "Other (" + rest.size() + " recommendations)", "",
          Usd.format(rest.stream().mapToDouble(Recommendation::monthlySavingsUsd).sum()), "", "", ""));
    }
    md.table(List.of("#", "Recommendation", "Lever", "Monthly savings", "Confidence", "Effort", "Risk"),
        List.of(true, false, false, true, false, false, false), rows);
  }

  /** Evidence and steps of the top recommendations. */
  static void details(Markdown md, List<Recommendation> ranked) {
    if (ranked.isEmpty()) {
      return;
    }
    md.heading(2, "What each recommendation rests on");
    for (int i = 0; i < Math.min(TOP_ROWS, ranked.size()); i++) {
      Recommendation r = ranked.get(i);
      md.heading(3, String.format("%d. %s (%s per month)", i + 1, r.title(), Usd.format(r.monthlySavingsUsd())))
          .paragraph("Evidence: " + r.evidence())
          .numbered(r.steps());
    }
    if (ranked.size() > TOP_ROWS) {
      md.paragraph(String.format(Locale.US, "_Recommendations %d to %d are in the table above and the action plan._",
          TOP_ROWS + 1, ranked.size()));
    }
  }

  /** The plan by period; each step names the rank of its recommendation. */
  static void actionPlan(Markdown md, List<ActionStep> plan, List<Recommendation> ranked) {
    if (plan.isEmpty()) {
      return;
    }
    md.heading(2, "Action plan");
    Map<String, Integer> rank = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      rank.put(ranked.get(i).id(), i + 1);
    }
    for (String period : ActionPlan.PERIODS) {
      List<String> steps = plan.stream().filter(s -> period.equals(s.when()))
          .map(s -> rank.containsKey(s.recommendationId()) ? s.text() + " (#" + rank.get(s.recommendationId()) + ")"
              : s.text())
          .toList();
      if (!steps.isEmpty()) {
        md.heading(3, Character.toUpperCase(period.charAt(0)) + period.substring(1) + " (" + EFFORT.get(period)
            + " effort)").numbered(steps);
      }
    }
  }

  private static final Map<String, String> EFFORT = Map.of(ActionPlan.THIS_WEEK, "low", ActionPlan.THIS_MONTH,
      "medium", ActionPlan.THIS_QUARTER, "high");

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

  static void method(Markdown md, List<String> lines) {
    md.heading(2, "Method").bullets(lines);
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
