package apex.optimizer;

import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Lever 2: read repeated prompt prefixes from the provider's cache. Applies to models that barely
 * use the cache today and whose cache reads are cheaper than fresh input. The usage rows do not say
 * how much of a prompt repeats, so the estimate assumes half of the input does.
 *
 * <p>Runs after right-sizing: traffic that lever moved to a smaller model is taken out of the
 * model's cost first (the remaining fraction), so no dollar is saved twice. The moved traffic's
 * caching potential on the smaller model is not counted, which keeps the total conservative.
 */
final class PromptCachingLever {
  static final String LEVER = "prompt_caching";

  static final double LOW_CACHED_SHARE = 0.10;
  static final double ASSUMED_PREFIX_SHARE = 0.50;

  private final PricingCatalog catalog;
  private final SpendWindow window;

  PromptCachingLever(PricingCatalog catalog, SpendWindow window) {
    this.catalog = catalog;
    this.window = window;
  }

  List<Recommendation> apply(List<ModelSpend> models, Map<ModelKey, Double> windowCostMovedOff) {
    List<Recommendation> recommendations = new ArrayList<>();
    for (ModelSpend row : models) {
      double movedOff = windowCostMovedOff.getOrDefault(new ModelKey(row.provider(), row.model()), 0.0);
      catalog.find(row.provider(), row.model())
          .flatMap(price -> recommend(row, price, movedOff))
          .ifPresent(recommendations::add);
    }
    return recommendations;
  }

  private Optional<Recommendation> recommend(ModelSpend row, ModelPrice price, double movedOff) {
    if (row.inputTokens() <= 0 || row.costUsd() <= 0 || !price.discountsCacheReads()
        || cachedShare(row) >= LOW_CACHED_SHARE) {
      return Optional.empty();
    }
    long prefixTokens = Math.max(row.cachedInputTokens(), (long) (row.inputTokens() * ASSUMED_PREFIX_SHARE));
    double before = price.costUsd(row.requests(), row.inputTokens(), row.cachedInputTokens(), 0, row.outputTokens());
    double after = price.costUsd(row.requests(), row.inputTokens(), prefixTokens, 0, row.outputTokens());
    double remainingCost = Math.max(0, row.costUsd() - movedOff);
    if (before <= 0 || remainingCost <= 0) {
      return Optional.empty();
    }
    double windowSavings = remainingCost * (before - after) / before;
    double monthlySavings = Usd.cents(window.monthly(windowSavings));
    if (monthlySavings <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Recommendation(
        Ids.of("cache", row.provider(), row.model()),
        LEVER,
        String.format("Cache repeated prompt prefixes on %s", row.model()),
        evidence(row, price, movedOff, remainingCost, windowSavings, monthlySavings),
        monthlySavings,
        "low",
        "medium",
        "low",
        steps(row)));
  }

  private static double cachedShare(ModelSpend row) {
    return (double) row.cachedInputTokens() / row.inputTokens();
  }

  private String evidence(ModelSpend row, ModelPrice price, double movedOff, double remainingCost,
                          double windowSavings, double monthlySavings) {
    long perCall = row.requests() > 0 ? row.inputTokens() / row.requests() : row.inputTokens();
    String moved = movedOff > 0
        ? String.format(" %s of that moves to a smaller model under the right-sizing recommendations; "
            + "caching is priced on the remaining %s.", Usd.format(movedOff), Usd.format(remainingCost))
        : "";
    return String.format(Locale.US,
        "%s made %,d calls in the %s with %,d input tokens, of which %.1f%% were cache reads, and cost %s.%s "
            + "Assumption (not measured): %.0f%% of input tokens are a repeated prefix (system prompt, tools, "
            + "examples) that could be read from cache at %s instead of %s. "
            + "That saves %s in the window, %s per month. Cache writes are not priced: they are paid once "
            + "per prefix and lifetime, not per call.",
        row.model(), row.requests(), window.describe(), row.inputTokens(), 100 * cachedShare(row),
        Usd.format(row.costUsd()), moved, 100 * ASSUMED_PREFIX_SHARE, Usd.perMillionTokens(price.cacheRead().at(perCall)),
        Usd.perMillionTokens(price.input().at(perCall)), Usd.format(windowSavings), Usd.format(monthlySavings));
  }

  private static List<String> steps(ModelSpend row) {
    return List.of(
        "In the prompts sent to " + row.model() + ", put the stable parts (system prompt, tool definitions, "
            + "few-shot examples) first and the per-request parts last, byte-identical across calls.",
        "Turn caching on where the provider needs it (Anthropic: cache_control breakpoints; OpenAI and Gemini "
            + "cache long repeated prefixes automatically).",
        "For a week, track cached input tokens / input tokens for " + row.model() + " (it is "
            + String.format(Locale.US, "%.1f%%", 100 * cachedShare(row)) + " today; the estimate assumes "
            + String.format(Locale.US, "%.0f%%", 100 * ASSUMED_PREFIX_SHARE) + ").",
        "Re-run this analysis to price the measured cache share instead of the assumption.");
  }
}
