package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Turns the data stage's aggregates into ranked, priced recommendations. Levers apply in order and
 * each prices what the earlier ones left: right-sizing first, then prompt caching on the traffic
 * that stays on its model. Models the catalog does not know are listed as unpriced, never priced at
 * zero.
 */
public final class SavingsPlanner {
  public static final String METHOD_CATALOG = "catalog";
  public static final String METHOD_BASIC = "basic";

  public OptimizerResult plan(DataResult data, PricingCatalog catalog) {
    SpendWindow window = new SpendWindow(data.window());
    RightSizingLever.Outcome rightSizing = new RightSizingLever(catalog, window).apply(data.byFeatureModel());
    List<Recommendation> recommendations = new ArrayList<>(rightSizing.recommendations());
    recommendations.addAll(new PromptCachingLever(catalog, window)
        .apply(data.byModel(), rightSizing.windowCostMovedOff()));
    return result(data, window, recommendations, unpriced(data, catalog), METHOD_CATALOG);
  }

  /**
   * Without a catalog (the pricing path failed): where the money goes, as unpriced observations,
   * so the user still gets a direction and sees that savings were not estimated.
   */
  public OptimizerResult basic(DataResult data) {
    SpendWindow window = new SpendWindow(data.window());
    double total = data.totals().costUsd();
    List<Recommendation> observations = new ArrayList<>();
    data.byModel().stream().max(Comparator.comparingDouble(ModelSpend::costUsd))
        .filter(top -> top.costUsd() > 0)
        .ifPresent(top -> observations.add(observation(Ids.of("review-model", top.provider(), top.model()),
            "Review what runs on " + top.model(),
            share(top.model() + " (" + top.provider() + ")", top.costUsd(), total, window),
            "List the features that call " + top.model() + "; those with short outputs (labels, extracted "
                + "fields) are candidates for a smaller model of the same family.")));
    data.byFeature().stream().max(Comparator.comparingDouble(FeatureSpend::costUsd))
        .filter(top -> top.costUsd() > 0)
        .ifPresent(top -> observations.add(observation(Ids.of("review-feature", top.feature()),
            "Review the " + top.feature() + " feature",
            share("Feature " + top.feature(), top.costUsd(), total, window),
            "Check the prompts of " + top.feature() + " for repeated prefixes (cacheable) and for output "
                + "longer than the feature needs.")));
    return result(data, window, observations, new TreeSet<>(Optional.ofNullable(data.unpricedModels())
        .orElse(List.of())), METHOD_BASIC);
  }

  private static OptimizerResult result(DataResult data, SpendWindow window, List<Recommendation> recommendations,
                                        Set<String> unpriced, String method) {
    List<Recommendation> ranked = recommendations.stream()
        .sorted(Comparator.comparingDouble(Recommendation::monthlySavingsUsd).reversed()
            .thenComparing(Recommendation::id))
        .toList();
    double totalSavings = Usd.cents(ranked.stream().mapToDouble(Recommendation::monthlySavingsUsd).sum());
    return new OptimizerResult(Usd.cents(window.monthly(data.totals().costUsd())), totalSavings, ranked,
        List.copyOf(unpriced), method);
  }

  private static Set<String> unpriced(DataResult data, PricingCatalog catalog) {
    Set<String> unpriced = new TreeSet<>(Optional.ofNullable(data.unpricedModels()).orElse(List.of()));
    Stream.concat(
            data.byModel().stream().map(m -> new ModelKey(m.provider(), m.model())),
            data.byFeatureModel().stream().map(g -> new ModelKey(g.provider(), g.model())))
        .filter(key -> catalog.find(key.provider(), key.model()).isEmpty())
        .forEach(key -> unpriced.add(key.model()));
    return unpriced;
  }

  private static Recommendation observation(String id, String title, String evidence, String step) {
    return new Recommendation(id, "observation", title, evidence, 0, "low", "low", "low",
        List.of(step, "Re-run the analysis once the pricing catalog is available to price the savings."));
  }

  private static String share(String what, double cost, double total, SpendWindow window) {
    double percent = total > 0 ? 100 * cost / total : 0;
    return String.format(Locale.US, "%s cost %s of %s (%.0f%%) in the %s, about %s per month. "
            + "Savings were not estimated: the pricing catalog was not available.",
        what, Usd.format(cost), Usd.format(total), percent, window.describe(), Usd.format(window.monthly(cost)));
  }
}
