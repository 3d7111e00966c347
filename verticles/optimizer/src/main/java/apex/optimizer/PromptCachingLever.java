package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.CacheUse;
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
 * Lever 6: read a repeated prompt prefix from the provider's cache. Usage rows do not say how much
 * of a prompt repeats, but when 95 % of a feature's calls send at least N tokens and N is close to
 * the median, the calls share a large floor — the system prompt, tools and examples every call
 * carries. That floor (the p05 of input per call) is priced as cache reads instead of fresh input.
 * Cache writes are not priced: they are paid once per prefix and cache lifetime, not per call.
 */
final class PromptCachingLever extends Lever {
  static final String LEVER = "prompt_caching";

  static final double LOW_HIT_RATIO = 0.10;
  static final long MIN_PREFIX_TOKENS = 1024;
  static final double MIN_FLOOR_OF_MEDIAN = 0.6;

  PromptCachingLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "long prompt prefixes resent without caching", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (CacheUse g : data.cacheUse()) {
      if (g.requests() == 0 || g.inputTokens() == 0 || g.hitRatio() >= LOW_HIT_RATIO
          || g.p05InputTokens() < MIN_PREFIX_TOKENS || g.p05InputTokens() < MIN_FLOOR_OF_MEDIAN * g.p50InputTokens()) {
        continue;
      }
      GroupKey key = new GroupKey(g.feature(), g.provider(), g.model());
      catalog.find(g.provider(), g.model())
          .filter(ModelPrice::discountsCacheReads)
          .flatMap(price -> recommend(g, price, ledger, key))
          .ifPresent(out::add);
    }
    return out;
  }

  private Optional<Recommendation> recommend(CacheUse g, ModelPrice price, Ledger ledger, GroupKey key) {
    double remaining = ledger.remaining(key);
    long cachedAfter = Math.max(g.cachedInputTokens(), Math.min(g.inputTokens() - g.cacheWriteTokens(),
        g.p05InputTokens() * g.requests()));
    double before = price.costUsd(g.requests(), g.inputTokens(), g.cachedInputTokens(), g.cacheWriteTokens(),
        g.outputTokens());
    double after = price.costUsd(g.requests(), g.inputTokens(), cachedAfter, g.cacheWriteTokens(), g.outputTokens());
    if (before <= 0 || remaining <= 0 || after >= before) {
      return Optional.empty();
    }
    double saved = ledger.take(key, remaining * (before - after) / before);
    double monthly = Usd.cents(window.monthly(saved));
    if (monthly <= 0) {
      return Optional.empty();
    }
    long perCall = g.inputTokens() / g.requests();
    String evidence = String.format(Locale.US,
        "%s on %s made %s calls in the %s averaging %s input tokens, %s of them cache reads. 95%% of its "
            + "successful calls send at least %s tokens (median %s): a shared prefix such as the system prompt, "
            + "tools and examples. Read from cache at %s instead of %s, that prefix saves %.0f%% of the list cost "
            + "on what the feature still costs (%s): %s in the window, %s per month.",
        g.feature(), g.model(), Text.count(g.requests()), window.describe(), Text.count(perCall),
        Text.percent(g.hitRatio()), Text.count(g.p05InputTokens()), Text.count(g.p50InputTokens()),
        Usd.perMillionTokens(price.cacheRead().at(perCall)), Usd.perMillionTokens(price.input().at(perCall)),
        100 * (before - after) / before, Usd.format(remaining), Usd.format(saved), Usd.format(monthly));
    return Optional.of(new Recommendation(Ids.of("cache", g.feature(), g.model()), LEVER,
        String.format("Cache the %s-token prompt prefix of %s on %s", Text.count(g.p05InputTokens()), g.feature(),
            g.model()),
        evidence, monthly, "medium", "medium", "low",
        List.of(
            "In " + g.feature() + "'s prompts put the stable parts (system prompt, tool definitions, examples) first "
                + "and the per-request parts last, byte-identical across calls.",
            "Turn caching on where the provider needs it (Anthropic: a cache_control breakpoint after the stable "
                + "part; OpenAI and Gemini cache long identical prefixes automatically once they are identical).",
            "For a week, track cached input tokens / input tokens of " + g.feature() + " (it is "
                + Text.percent(g.hitRatio()) + " today) and re-run this analysis to price the measured share.")));
  }
}
