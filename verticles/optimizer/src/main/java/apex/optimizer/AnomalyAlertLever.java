package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Lever 1: days whose cost stood far above the baseline (a runaway job, a loop, a backfill) are
 * spend an alert would have stopped early. Priced at the excess of those days, at the rate seen in
 * the window; the excess is taken out of the top feature's groups first, so the recurring levers
 * that follow price only normal traffic.
 */
final class AnomalyAlertLever extends Lever {
  static final String LEVER = "anomaly_alerts";

  AnomalyAlertLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "days that cost far more than usual", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<DayAnomaly> anomalies = data.anomalies();
    if (anomalies == null || anomalies.isEmpty()) {
      return List.of();
    }
    double excess = 0;
    for (DayAnomaly day : anomalies) {
      excess += claim(day, ledger);
    }
    double monthly = Usd.cents(window.monthly(excess));
    if (monthly <= 0) {
      return List.of();
    }
    DayAnomaly worst = anomalies.stream().max((a, b) -> Double.compare(a.excessUsd(), b.excessUsd())).orElseThrow();
    String days = anomalies.stream()
        .map(d -> String.format(Locale.US, "%s cost %s against a usual %s (%s above, %.1f robust standard deviations%s)",
            d.day(), Usd.format(d.costUsd()), Usd.format(d.baselineUsd()), Usd.format(d.excessUsd()), d.score(),
            d.topFeature() == null ? "" : "; most of it " + d.topFeature()))
        .collect(Collectors.joining("; "));
    String evidence = String.format("In the %s, %d day%s stood out: %s. Together %s above the usual daily cost, "
            + "%s per month at the rate seen in the window. Nothing alerted on %s.",
        window.describe(), anomalies.size(), anomalies.size() == 1 ? "" : "s", days, Usd.format(excess),
        Usd.format(monthly), anomalies.size() == 1 ? "it" : "them");
    double threshold = Usd.cents(1.5 * worst.baselineUsd());
    return List.of(recommendation(Ids.of("alert-daily-spend"),
        "Alert on daily spend above " + Usd.format(threshold),
        evidence, monthly, "medium", "low", "low",
        List.of(
            "Add a daily spend alert at " + Usd.format(threshold) + " (1.5 × the usual " + Usd.format(worst.baselineUsd())
                + ") in your provider consoles or in the gateway that records this usage.",
            "Add a per-feature alert for " + (worst.topFeature() == null ? "the top features" : worst.topFeature())
                + " at twice its usual daily cost, paging whoever owns it.",
            "Give batch and backfill jobs a token or request quota per run, so a runaway job stops itself.",
            "Find what ran on " + worst.day() + " (deploy, backfill, retry loop) and add it to the runbook.")));
  }

  /** Takes the day's excess out of the top feature's groups (then any group), as far as they hold it. */
  private static double claim(DayAnomaly day, Ledger ledger) {
    double left = day.excessUsd();
    if (day.topFeature() != null) {
      for (GroupKey key : ledger.ofFeature(day.topFeature())) {
        left -= ledger.take(key, left);
      }
    }
    return day.excessUsd() - left;
  }
}
