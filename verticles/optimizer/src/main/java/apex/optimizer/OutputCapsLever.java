package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.ModelPrice;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lever 4, output length against {@code max_tokens}, both ways. Too low: answers cut off at the cap
 * ({@code finish_reason = length}) are usually asked again, so their cost is waste. Far too high:
 * nothing stops a call that runs away (a loop, a rambling answer) until the cap; a cap of twice the
 * p95 output would have cut the runaway calls' output beyond it.
 */
final class OutputCapsLever extends Lever {
  static final String LEVER = "output_caps";
  static final double MIN_TRUNCATED_SHARE = 0.02;
  static final int CAP_OVER_P95 = 4;

  OutputCapsLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "answers cut off at max_tokens and answers that run away", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (OutputUse g : data.outputUse()) {
      GroupKey key = new GroupKey(g.feature(), g.provider(), g.model());
      truncation(g, ledger, key).ifPresent(out::add);
      runaway(g, ledger, key, inputPerCall(data, key)).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Recommendation> truncation(OutputUse g, Ledger ledger, GroupKey key) {
    if (g.requests() == 0 || (double) g.truncated() / g.requests() < MIN_TRUNCATED_SHARE || g.truncatedCostUsd() <= 0) {
      return Optional.empty();
    }
    double saved = ledger.take(key, g.truncatedCostUsd());
    double monthly = Usd.cents(window.monthly(saved));
    if (monthly <= 0) {
      return Optional.empty();
    }
    String cap = g.maxTokens() == null ? "the requested max_tokens" : "max_tokens " + Text.count(g.maxTokens());
    String evidence = String.format("%s of %s calls of %s on %s (%s) stopped at %s (finish_reason length) in the %s: "
            + "cut-off answers that are usually asked again. They cost %s; the p95 successful answer is %s tokens. "
            + "That is %s in the window, %s per month.",
        Text.count(g.truncated()), Text.count(g.requests()), g.feature(), g.model(),
        Text.percent((double) g.truncated() / g.requests()), cap, window.describe(), Usd.format(g.truncatedCostUsd()),
        Text.count(g.p95OutputTokens()), Usd.format(saved), Usd.format(monthly));
    long raised = Math.max(g.p95OutputTokens(), g.maxTokens() == null ? 0 : g.maxTokens()) * 3 / 2;
    return Optional.of(new Recommendation(Ids.of("truncation", g.feature(), g.model()), LEVER,
        String.format("Stop %s's answers on %s being cut off at %s", g.feature(), g.model(), cap),
        evidence, monthly, "medium", "low", "low",
        List.of(
            "Raise max_tokens of " + g.feature() + " to about " + Text.count(raised) + ", or ask for a shorter "
                + "answer in the prompt (a word limit, a format) so it fits the current cap.",
            "Where an answer still ends with finish_reason length, continue it from where it stopped instead of "
                + "asking again from the start.",
            "Track the share of finish_reason length for " + g.feature() + "; it is "
                + Text.percent((double) g.truncated() / g.requests()) + " today.")));
  }

  private Optional<Recommendation> runaway(OutputUse g, Ledger ledger, GroupKey key, long inputPerCall) {
    if (g.runawayRequests() == 0 || g.maxTokens() == null || g.p95OutputTokens() == 0
        || g.maxTokens() < CAP_OVER_P95 * g.p95OutputTokens()) {
      return Optional.empty();
    }
    Optional<ModelPrice> price = catalog.find(g.provider(), g.model());
    if (price.isEmpty()) {
      return Optional.empty();
    }
    double excessUsd = g.runawayExcessTokens() * price.get().output().at(inputPerCall) / 1_000_000d;
    double saved = ledger.take(key, excessUsd);
    double monthly = Usd.cents(window.monthly(saved));
    if (monthly <= 0) {
      return Optional.empty();
    }
    long cap = 2 * g.p95OutputTokens();
    String evidence = String.format("%s on %s asks for up to %s output tokens while 95%% of its successful answers "
            + "need at most %s. In the %s, %s calls ran away past %s tokens and generated %s tokens beyond that, "
            + "billed at %s: %s, %s per month.",
        g.feature(), g.model(), Text.count(g.maxTokens()), Text.count(g.p95OutputTokens()), window.describe(),
        Text.count(g.runawayRequests()), Text.count(cap), Text.count(g.runawayExcessTokens()),
        Usd.perMillionTokens(price.get().output().at(inputPerCall)), Usd.format(saved), Usd.format(monthly));
    return Optional.of(new Recommendation(Ids.of("cap-output", g.feature(), g.model()), LEVER,
        String.format("Cap %s's output on %s at %s tokens", g.feature(), g.model(), Text.count(cap)),
        evidence, monthly, "medium", "low", "medium",
        List.of(
            "Set max_tokens of " + g.feature() + " to " + Text.count(cap) + " (twice its p95 answer) instead of "
                + Text.count(g.maxTokens()) + ".",
            "Add stop sequences for the answer's end marker so a finished answer cannot keep going.",
            "Watch finish_reason length for " + g.feature() + " after the change: a rise means the cap is too "
                + "tight for real answers.")));
  }

  private static long inputPerCall(DataResult data, GroupKey key) {
    return data.byFeatureModel().stream()
        .filter(g -> g.feature().equals(key.feature()) && g.provider().equals(key.provider())
            && g.model().equals(key.model()) && g.requests() > 0)
        .mapToLong(g -> g.inputTokens() / g.requests())
        .findFirst().orElse(0);
  }
}
