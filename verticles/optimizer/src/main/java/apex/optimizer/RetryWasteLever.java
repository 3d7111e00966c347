package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;

/**
 * Lever 2: calls that failed but were billed (errors after the prompt was read, client timeouts the
 * provider still finished) buy nothing. Where failures are frequent, the client's retry policy is
 * usually the cause: immediate retries into a rate limit or an outage multiply the failures.
 */
final class RetryWasteLever extends Lever {
  static final String LEVER = "retry_waste";
  static final double MIN_FAILED_SHARE = 0.05;

  RetryWasteLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "failed calls that were billed, and retry storms", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (FailureWaste g : data.failures()) {
      if (g.requests() == 0 || (double) g.failedRequests() / g.requests() < MIN_FAILED_SHARE || g.failedCostUsd() <= 0) {
        continue;
      }
      claim(ledger, new GroupKey(g.feature(), g.provider(), g.model()), g.failedCostUsd())
          .ifPresent(claim -> out.add(recommend(g, claim.windowUsd(), claim.monthlyUsd())));
    }
    return out;
  }

  private Recommendation recommend(FailureWaste g, double saved, double monthly) {
    String peak = g.peakHour() == null ? "" : String.format(" The worst hour, %s:00 UTC, had %s failures: a retry "
        + "storm.", g.peakHour(), Text.count(g.peakHourFailures()));
    String evidence = String.format("%s on %s made %s calls in the %s; %s (%s) did not succeed: %s errors, %s "
            + "timeouts, %s rate-limited. They were billed %s and produced nothing.%s That is %s in the window, "
            + "%s per month.",
        g.feature(), g.model(), Text.count(g.requests()), window.describe(), Text.count(g.failedRequests()),
        Text.percent((double) g.failedRequests() / g.requests()), Text.count(g.errors()), Text.count(g.timeouts()),
        Text.count(g.rateLimited()), Usd.format(g.failedCostUsd()), peak, Usd.format(saved), Usd.format(monthly));
    return new Recommendation(Ids.of("retry", g.feature(), g.model()), LEVER,
        String.format("Stop paying for failed retries of %s on %s", g.feature(), g.model()),
        evidence, monthly, "medium", "low", "low",
        List.of(
            "Retry " + g.feature() + "'s calls with exponential backoff and full jitter (e.g. 1 s, 2 s, 4 s), at most "
                + "2 retries, honouring the provider's Retry-After header on 429s.",
            "Put a circuit breaker in front of " + g.model() + ": after 5 failures in a row stop calling for 30 s "
                + "and answer from a fallback instead of retrying.",
            "Set the client timeout above the model's p95 latency: a call the client abandons is still billed.",
            "Alert when the failure rate of " + g.feature() + " exceeds 5 % over 10 minutes."));
  }
}
