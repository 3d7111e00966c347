package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lever 5: send short-output features (classification, extraction) to the next smaller model of
 * the same family. Savings are the catalog price ratio of the two models on the group's tokens,
 * applied to what the group still costs, so discounts in the user's bill carry over. The group's
 * traffic then leaves its model: later levers priced on that model no longer apply to it.
 */
final class RightSizingLever extends Lever {
  static final String LEVER = "model_right_sizing";

  /** Average output at or under this looks like a label or a few extracted fields, not prose. */
  static final double SHORT_OUTPUT_TOKENS = 300;

  private static final long MIN_AB_SAMPLES = 100;
  private static final long MAX_AB_SAMPLES = 500;

  RightSizingLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "short-answer features on large models", catalog, window);
  }

  /** Groups whose model the catalog does not know are skipped; the planner reports them as unpriced. */
  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> recommendations = new ArrayList<>();
    for (FeatureModelSpend group : data.byFeatureModel()) {
      GroupKey key = new GroupKey(group.feature(), group.provider(), group.model());
      double remaining = ledger.remaining(key);
      Optional<ModelPrice> current = catalog.find(group.provider(), group.model());
      if (current.isEmpty() || group.avgOutputTokens() > SHORT_OUTPUT_TOKENS || remaining <= 0) {
        continue;
      }
      catalog.smallerSibling(group.provider(), group.model())
          .flatMap(target -> recommend(group, remaining, current.get(), target))
          .ifPresent(recommendation -> {
            recommendations.add(recommendation);
            ledger.close(key);
          });
    }
    return recommendations;
  }

  private Optional<Recommendation> recommend(FeatureModelSpend group, double remaining, ModelPrice current,
                                             ModelPrice target) {
    // Cached tokens are not known per group: both sides are priced uncached, only the ratio is used.
    double currentList = current.costUsd(group.requests(), group.inputTokens(), 0, 0, group.outputTokens());
    double targetList = target.costUsd(group.requests(), group.inputTokens(), 0, 0, group.outputTokens());
    if (currentList <= 0 || targetList >= currentList) {
      return Optional.empty();
    }
    double windowSavings = remaining * (1 - targetList / currentList);
    double monthlySavings = Usd.cents(window.monthly(windowSavings));
    if (monthlySavings <= 0) {
      return Optional.empty();
    }
    return Optional.of(recommendation(
        Ids.of("right-size", group.feature(), group.model()),
        String.format("Route %s from %s to %s", group.feature(), group.model(), target.model()),
        evidence(group, remaining, current, target, currentList, targetList, windowSavings, monthlySavings),
        monthlySavings,
        group.requests() >= MIN_AB_SAMPLES ? "medium" : "low",
        "low",
        "medium",
        steps(group, target, monthlySavings)));
  }

  private String evidence(FeatureModelSpend group, double remaining, ModelPrice current, ModelPrice target,
                          double currentList, double targetList, double windowSavings, double monthlySavings) {
    String left = remaining < group.costUsd() - 0.005
        ? String.format(" Earlier recommendations already claim %s of it; this one prices the remaining %s.",
            Usd.format(group.costUsd() - remaining), Usd.format(remaining))
        : "";
    return String.format(Locale.US,
        "Feature %s made %,d calls to %s in the %s, averaging %.0f output tokens per call "
            + "(short answers such as labels or extracted fields), and cost %s.%s "
            + "At catalog prices the same %,d input and %,d output tokens cost %s on %s and %s on %s (%.0f%% less). "
            + "Applied to what it costs that saves %s in the window, %s per month.",
        group.feature(), group.requests(), group.model(), window.describe(), group.avgOutputTokens(),
        Usd.format(group.costUsd()), left, group.inputTokens(), group.outputTokens(), Usd.format(currentList),
        current.model(), Usd.format(targetList), target.model(), 100 * (1 - targetList / currentList),
        Usd.format(windowSavings), Usd.format(monthlySavings));
  }

  private static List<String> steps(FeatureModelSpend group, ModelPrice target, double monthlySavings) {
    long samples = Math.min(MAX_AB_SAMPLES, Math.max(MIN_AB_SAMPLES, group.requests() / 10));
    return List.of(
        String.format("Put %s behind a flag that routes it to %s; %s stays the default.",
            group.feature(), target.model(), group.model()),
        String.format(Locale.US, "A/B on %,d sampled production requests: send each to both models.", samples),
        "Score both arms on the feature's quality metric (label accuracy or extracted-field match against "
            + group.model() + "'s answers) and watch p95 latency and error rate; proceed if quality is within "
            + "1 point.",
        String.format("Ramp the flag 10%% → 50%% → 100%% over a week while the metric holds; expected saving %s "
            + "per month.", Usd.format(monthlySavings)));
  }
}
