package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;

/**
 * Lever 3: a successful call that repeats an earlier identical prompt (same prompt hash, feature and
 * model) could have been answered from a response cache. Priced at what the repeats cost.
 */
final class DuplicateCachingLever extends Lever {
  static final String LEVER = "duplicate_caching";
  static final double MIN_REPEATED_SHARE = 0.05;

  DuplicateCachingLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "identical prompts sent again", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (DuplicateUse g : data.duplicates()) {
      if (g.requestsWithHash() == 0 || (double) g.repeatedRequests() / g.requestsWithHash() < MIN_REPEATED_SHARE
          || g.repeatedCostUsd() <= 0) {
        continue;
      }
      claim(ledger, new GroupKey(g.feature(), g.provider(), g.model()), g.repeatedCostUsd())
          .ifPresent(claim -> out.add(recommend(g, claim.windowUsd(), claim.monthlyUsd())));
    }
    return out;
  }

  private Recommendation recommend(DuplicateUse g, double saved, double monthly) {
    String evidence = String.format("%s on %s sent %s successful calls with a prompt hash in the %s, of %s distinct "
            + "prompts: %s calls (%s) repeated an earlier identical prompt and cost %s. Answering them from a cache "
            + "saves %s in the window, %s per month.",
        g.feature(), g.model(), Text.count(g.requestsWithHash()), window.describe(), Text.count(g.distinctPrompts()),
        Text.count(g.repeatedRequests()), Text.percent((double) g.repeatedRequests() / g.requestsWithHash()),
        Usd.format(g.repeatedCostUsd()), Usd.format(saved), Usd.format(monthly));
    return new Recommendation(Ids.of("dedupe", g.feature(), g.model()), LEVER,
        String.format("Cache %s's answers to repeated prompts on %s", g.feature(), g.model()),
        evidence, monthly, "high", "medium", "low",
        List.of(
            "Key a response cache (Redis or the gateway's cache) on a hash of model, parameters and the full prompt "
                + "of " + g.feature() + ".",
            "Choose a time to live that matches how fast the answers may change (start with 24 h for FAQ-like "
                + "content) and skip the cache for prompts with personal data.",
            "Log cache hits next to provider calls for a week and compare the hit rate with the "
                + Text.percent((double) g.repeatedRequests() / g.requestsWithHash()) + " measured here."));
  }
}
