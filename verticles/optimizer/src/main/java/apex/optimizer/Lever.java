package apex.optimizer;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.Recommendation;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.pricing.SpendWindow;
import apex.runtime.pricing.Usd;

import java.util.List;
import java.util.Optional;

/** One way to save: prices what the {@link Ledger} still holds and takes its savings out of it. */
abstract class Lever {
  /** What a lever took out of a group: in the window, and per month (cents). */
  record Claim(double windowUsd, double monthlyUsd) {}

  protected final PricingCatalog catalog;
  protected final SpendWindow window;
  private final String name;
  private final String looksAt;

  Lever(String name, String looksAt, PricingCatalog catalog, SpendWindow window) {
    this.name = name;
    this.looksAt = looksAt;
    this.catalog = catalog;
    this.window = window;
  }

  /** The lever's name as its recommendations carry it, e.g. {@code prompt_caching}. */
  final String name() {
    return name;
  }

  /** A few words for the user about what this lever looks at. */
  final String looksAt() {
    return looksAt;
  }

  abstract List<Recommendation> apply(DataResult data, Ledger ledger);

  /** Takes up to {@code amount} out of the group; empty when that is less than a cent a month. */
  protected final Optional<Claim> claim(Ledger ledger, GroupKey key, double amount) {
    double taken = ledger.take(key, amount);
    double monthly = Usd.cents(window.monthly(taken));
    return monthly > 0 ? Optional.of(new Claim(taken, monthly)) : Optional.empty();
  }

  protected final Recommendation recommendation(String id, String title, String evidence, double monthlyUsd,
                                                String confidence, String effort, String risk, List<String> steps) {
    return new Recommendation(id, name, title, evidence, monthlyUsd, confidence, effort, risk, steps);
  }
}
