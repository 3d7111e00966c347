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

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The structured report from the stage results: every figure comes from the inputs. */
final class ReportFacts {
  private ReportFacts() {}

  static final String METHOD_BASIC = "basic";

  /** The same report with another executive summary (the optional LLM narrative). */
  static Report withSummary(Report r, String summary) {
    return new Report(r.title(), summary, r.window(), r.windowSpendUsd(), r.monthlySpendUsd(),
        r.totalMonthlySavingsUsd(), r.savingsPercent(), r.recommendations(), r.costByModel(), r.dailyCost(),
        r.forecastCost(), r.monthEndForecastUsd(), r.actionPlan(), r.dataQualityNotes(), r.method());
  }

  static Report of(TriageResult triage, DataResult data, OptimizerResult optimizer, List<String> degradedNotes) {
    SpendWindow window = new SpendWindow(data.window());
    double windowSpend = Usd.cents(data.totals().costUsd());
    double monthlySpend = optimizer != null ? optimizer.monthlySpendUsd() : Usd.cents(window.monthly(windowSpend));
    double savings = optimizer != null ? optimizer.totalMonthlySavingsUsd() : 0;
    List<Recommendation> ranked = Ranking.rank(optimizer != null ? optimizer.recommendations() : List.of());
    Optional<IntentLead> lead = IntentLead.of(triage == null ? null : triage.intent());
    return new Report(
        "LLM spend analysis, " + data.window().from() + " to " + data.window().to(),
        summary(lead, data, optimizer, ranked, window, monthlySpend),
        data.window(), windowSpend, monthlySpend, savings, savingsPercent(savings, monthlySpend), ranked,
        data.byModel().stream().sorted(Comparator.comparingDouble(ModelSpend::costUsd).reversed())
            .map(m -> new ChartPoint(m.model(), Usd.cents(m.costUsd()))).toList(),
        data.byDay().stream().sorted(Comparator.comparing(DaySpend::day))
            .map(d -> new ChartPoint(d.day(), Usd.cents(d.costUsd()))).toList(),
        data.forecast() == null ? List.of() : ForecastFacts.points(data.forecast()),
        data.forecast() == null ? null : Usd.cents(data.forecast().monthEndUsd()),
        ActionPlan.of(ranked),
        QualityNotes.of(triage, data, optimizer, degradedNotes),
        MethodLines.of(data, optimizer));
  }

  /** Savings as a share of monthly spend, 0–100 to one decimal. */
  static double savingsPercent(double savings, double monthlySpend) {
    return monthlySpend > 0 ? Math.min(100, Math.round(1000 * savings / monthlySpend) / 10.0) : 0;
  }

  /** The intent's answer first (when it has one), then spend, savings with the top action, and the forecast. */
  private static String summary(Optional<IntentLead> lead, DataResult data, OptimizerResult optimizer,
                                List<Recommendation> ranked, SpendWindow window, double monthlySpend) {
    DataResult.Totals totals = data.totals();
    StringBuilder summary = new StringBuilder(lead.map(l -> l.sentence(data, ranked) + " ").orElse(""));
    summary.append(String.format(Locale.US,
        "In the %s your team spent %s on %,d LLM calls (%,d input and %,d output tokens); at this rate that is "
            + "%s per month.",
        window.describe(), Usd.format(totals.costUsd()), totals.requests(), totals.inputTokens(),
        totals.outputTokens(), Usd.format(monthlySpend)));
    if (optimizer == null) {
      summary.append(" Recommendations are not available for this run (see the data-quality notes).");
    } else if (METHOD_BASIC.equals(optimizer.method())) {
      summary.append(" Savings were not estimated because the pricing catalog was unavailable; the "
          + "recommendations point at where the money goes.");
    } else if (ranked.isEmpty()) {
      summary.append(" None of the levers applies to this usage.");
    } else {
      Recommendation top = ranked.get(0);
      summary.append(String.format(Locale.US,
          " The %d recommendations below save an estimated %s per month (%s%% of spend); the top action is to "
              + "%s (%s per month, %s effort, %s).",
          ranked.size(), Usd.format(optimizer.totalMonthlySavingsUsd()),
          percent(savingsPercent(optimizer.totalMonthlySavingsUsd(), monthlySpend)),
          Leads.lowerFirst(top.title()), Usd.format(top.monthlySavingsUsd()), top.effort(),
          ActionPlan.when(top.effort())));
    }
    if (data.forecast() != null && lead.filter(l -> l == IntentLead.FORECAST).isEmpty()) {
      summary.append(' ').append(ForecastFacts.sentence(data.forecast()));
    }
    return summary.toString();
  }

  /** 42.7 → "42.7", 43.0 → "43". */
  private static String percent(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
