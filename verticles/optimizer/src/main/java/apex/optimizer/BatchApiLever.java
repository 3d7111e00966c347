package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.BatchDiscounts;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lever 7: a feature whose calls nearly all arrive in one short block of the day is a scheduled job,
 * not a user waiting for an answer; the provider's batch API does the same work at a discount within
 * hours. Priced at the remaining non-batch cost times the provider's published batch discount.
 */
final class BatchApiLever extends Lever {
  static final String LEVER = "batch_api";
  static final int BLOCK_HOURS = 4;
  static final double MIN_BLOCK_SHARE = 0.8;
  static final double MAX_BATCH_SHARE = 0.5;

  BatchApiLever(PricingCatalog catalog, SpendWindow window) {
    super(LEVER, "scheduled workloads on the standard API", catalog, window);
  }

  @Override
  List<Recommendation> apply(DataResult data, Ledger ledger) {
    List<Recommendation> out = new ArrayList<>();
    for (BatchUse g : data.batchUse()) {
      if (g.requests() == 0 || (double) g.batchRequests() / g.requests() >= MAX_BATCH_SHARE
          || g.requestsByHour() == null || g.requestsByHour().size() != 24 || g.nonBatchCostUsd() <= 0) {
        continue;
      }
      int start = busiestBlock(g.requestsByHour());
      double share = (double) blockSum(g.requestsByHour(), start) / g.requests();
      if (share < MIN_BLOCK_SHARE) {
        continue;
      }
      catalog.batchDiscount(g.provider())
          .flatMap(discount -> recommend(g, start, share, discount, ledger))
          .ifPresent(out::add);
    }
    return out;
  }

  private Optional<Recommendation> recommend(BatchUse g, int start, double share, BatchDiscounts.Discount discount,
                                             Ledger ledger) {
    GroupKey key = new GroupKey(g.feature(), g.provider(), g.model());
    double base = Math.min(g.nonBatchCostUsd(), ledger.remaining(key));
    double saved = ledger.take(key, base * discount.discount());
    double monthly = Usd.cents(window.monthly(saved));
    if (monthly <= 0) {
      return Optional.empty();
    }
    String block = String.format("%02d:00–%02d:00 UTC", start, (start + BLOCK_HOURS) % 24);
    String evidence = String.format("%s of %s's %s calls on %s (%s) arrive in the same 4 hours, %s, every day: a scheduled job. "
            + "%s of them used the batch API; the standard calls cost %s. %s's batch API takes %s off (%s): %s in the "
            + "window, %s per month.",
        Text.count(blockSum(g.requestsByHour(), start)), g.feature(), Text.count(g.requests()), g.model(),
        Text.percent(share), block, Text.count(g.batchRequests()), Usd.format(base), g.provider(),
        Text.percent(discount.discount()), discount.source(), Usd.format(saved), Usd.format(monthly));
    return Optional.of(new Recommendation(Ids.of("batch", g.feature(), g.model()), LEVER,
        String.format("Run %s on %s through the %s batch API", g.feature(), g.model(), g.provider()),
        evidence, monthly, "high", "medium", "low",
        List.of(
            "Collect " + g.feature() + "'s requests of each run into one batch file (JSONL) instead of calling the "
                + "API one by one.",
            "Submit it to the batch endpoint at the start of the job's window (" + block + ") and collect the results "
                + "when it completes (within 24 h, usually much sooner).",
            "Keep the standard API as a fallback for items the batch reports as failed.")));
  }

  /**
   * The first hour of the 4-hour block (wrapping past midnight) with the most requests; of equal
   * blocks, one that starts with requests, so the block named is where the job runs.
   */
  private static int busiestBlock(List<Long> byHour) {
    int best = 0;
    for (int start = 1; start < 24; start++) {
      long sum = blockSum(byHour, start);
      long bestSum = blockSum(byHour, best);
      if (sum > bestSum || (sum == bestSum && byHour.get(best) == 0 && byHour.get(start) > 0)) {
        best = start;
      }
    }
    return best;
  }

  private static long blockSum(List<Long> byHour, int start) {
    long sum = 0;
    for (int h = 0; h < BLOCK_HOURS; h++) {
      sum += byHour.get((start + h) % 24);
    }
    return sum;
  }
}
