package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult.ChartPoint;
import apex.contracts.stage.ReportResult.Report;
import apex.contracts.stage.TriageResult;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** The structured report from the stage results: every figure comes from the inputs. */
final class ReportFacts {
  private ReportFacts() {}

  static final String METHOD_BASIC = "basic";

  static Report of(TriageResult triage, DataResult data, OptimizerResult optimizer, List<String> degradedNotes) {
    SpendWindow window = new SpendWindow(data.window());
    double windowSpend = Usd.cents(data.totals().costUsd());
    double monthlySpend = optimizer != null ? optimizer.monthlySpendUsd() : Usd.cents(window.monthly(windowSpend));
    double savings = optimizer != null ? optimizer.totalMonthlySavingsUsd() : 0;
    List<Recommendation> recommendations = optimizer != null ? optimizer.recommendations() : List.of();
    return new Report(
        "LLM spend analysis, " + data.window().from() + " to " + data.window().to(),
        summary(data, optimizer, window, monthlySpend),
        data.window(), windowSpend, monthlySpend, savings,
        monthlySpend > 0 ? Math.min(100, Math.round(1000 * savings / monthlySpend) / 10.0) : 0, recommendations,
        data.byModel().stream().sorted(Comparator.comparingDouble(ModelSpend::costUsd).reversed())
            .map(m -> new ChartPoint(m.model(), Usd.cents(m.costUsd()))).toList(),
        data.byDay().stream().sorted(Comparator.comparing(DaySpend::day))
            .map(d -> new ChartPoint(d.day(), Usd.cents(d.costUsd()))).toList(),
        List.of(), null, List.of(),
        notes(triage, data, optimizer, degradedNotes), List.of());
  }

  private static String summary(DataResult data, OptimizerResult optimizer, SpendWindow window,
                                double monthlySpend) {
    DataResult.Totals totals = data.totals();
    StringBuilder summary = new StringBuilder(String.format(Locale.US,
        "In the %s your team spent %s on %,d LLM calls (%,d input and %,d output tokens); at this rate that is "
            + "%s per month.",
        window.describe(), Usd.format(totals.costUsd()), totals.requests(), totals.inputTokens(),
        totals.outputTokens(), Usd.format(monthlySpend)));
    if (optimizer == null) {
      summary.append(" Recommendations are not available for this run (see the data-quality notes).");
    } else if (METHOD_BASIC.equals(optimizer.method())) {
      summary.append(" Savings were not estimated because the pricing catalog was unavailable; the "
          + "recommendations point at where the money goes.");
    } else if (optimizer.recommendations().isEmpty()) {
      summary.append(" None of the levers priced (model right-sizing, prompt caching) applies to this usage.");
    } else {
      Recommendation top = optimizer.recommendations().get(0);
      summary.append(String.format(Locale.US,
          " The %d recommendations below save an estimated %s per month (%.0f%% of spend); the largest is to "
              + "%s (%s per month).",
          optimizer.recommendations().size(), Usd.format(optimizer.totalMonthlySavingsUsd()),
          monthlySpend > 0 ? 100 * optimizer.totalMonthlySavingsUsd() / monthlySpend : 0,
          lowerFirst(top.title()), Usd.format(top.monthlySavingsUsd())));
    }
    return summary.toString();
  }

  private static List<String> notes(TriageResult triage, DataResult data, OptimizerResult optimizer,
                                    List<String> degradedNotes) {
    List<String> notes = new ArrayList<>();
    if (triage != null && TriageResult.PARTIAL.equals(triage.dataSufficiency())) {
      notes.add(String.format(Locale.US, "Only %,d usage rows in the window: treat the figures as indicative.",
          triage.rowsInWindow()));
    }
    if (data.byDay().size() < data.window().days()) {
      notes.add(String.format(Locale.US, "Usage on %d of the %d days in the window.", data.byDay().size(),
          data.window().days()));
    }
    TreeSet<String> unpriced = new TreeSet<>(Optional.ofNullable(data.unpricedModels()).orElse(List.of()));
    if (optimizer != null) {
      unpriced.addAll(optimizer.unpricedModels());
    }
    if (!unpriced.isEmpty()) {
      notes.add("Not in the pricing catalog, so left out of every savings estimate (never priced at zero): "
          + String.join(", ", unpriced) + ".");
    }
    if (optimizer == null) {
      notes.add("The optimizer stage returned no recommendations for this run.");
    } else if (METHOD_BASIC.equals(optimizer.method())) {
      notes.add("Savings not estimated: recommendations come from the aggregates alone (pricing catalog "
          + "unavailable).");
    }
    notes.addAll(Optional.ofNullable(degradedNotes).orElse(List.of()));
    return notes;
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
