package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lever 8: the same model sold by another provider (an open model on several hosts, a frontier model
 * on a cloud marketplace) at a clearly lower list price. Only the same model counts: a different
 * model is a quality question the right-sizing lever handles with an A/B test.
 */
final class ProviderAlternativesLever extends Lever {
  static final String LEVER = "provider_alternatives";
  static final double MIN_GAP = 0.10;

  ProviderAlternativesLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "the same models sold cheaper by other providers", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (FeatureModelSpend g : data.byFeatureModel()) {
      GroupKey key = new GroupKey(g.feature(), g.provider(), g.model());
      if (ledger.remaining(key) <= 0 || g.requests() == 0) {
        continue;
      }
      catalog.find(g.provider(), g.model()).flatMap(current -> recommend(g, current, ledger, key)).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Recommendation> recommend(FeatureModelSpend g, ModelPrice current, Ledger ledger, GroupKey key) {
    double currentList = current.costUsd(g.requests(), g.inputTokens(), 0, 0, g.outputTokens());
    if (currentList <= 0) {
      return Optional.empty();
    }
    Optional<ModelPrice> cheapest = catalog.otherHosts(g.provider(), g.model()).stream()
        .min(Comparator.comparingDouble(alt -> alt.costUsd(g.requests(), g.inputTokens(), 0, 0, g.outputTokens())));
    if (cheapest.isEmpty()) {
      return Optional.empty();
    }
    ModelPrice alt = cheapest.get();
    double gap = 1 - alt.costUsd(g.requests(), g.inputTokens(), 0, 0, g.outputTokens()) / currentList;
    if (gap < MIN_GAP) {
      return Optional.empty();
    }
    double remaining = ledger.remaining(key);
    double saved = ledger.take(key, remaining * gap);
    double monthly = Usd.cents(window.monthly(saved));
    if (monthly <= 0) {
      return Optional.empty();
    }
    String evidence = String.format(Locale.US, "%s runs %s at %s (%s) in the %s. %s sells the same model for %.0f%% "
            + "less at list prices on these tokens: %s in the window on what the feature still costs (%s), %s per "
            + "month.",
        g.feature(), g.model(), g.provider(), Usd.format(g.costUsd()), window.describe(), alt.provider(), 100 * gap,
        Usd.format(saved), Usd.format(remaining), Usd.format(monthly));
    return Optional.of(new Recommendation(Ids.of("host", g.feature(), g.model(), alt.provider()), LEVER,
        String.format("Buy %s for %s from %s", g.model(), g.feature(), alt.provider()),
        evidence, monthly, "low", "medium", "medium",
        List.of(
            "Check that " + alt.provider() + " serves " + alt.model() + " with the context length, features (tools, "
                + "JSON mode, caching) and data-handling terms " + g.feature() + " needs.",
            "Send a sample of " + g.feature() + "'s traffic to " + alt.provider() + " for a week and compare latency, "
                + "error rate and answers.",
            "Move the traffic if they hold; keep " + g.provider() + " as the fallback.")));
  }
}
