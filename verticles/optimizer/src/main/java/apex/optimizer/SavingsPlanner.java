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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Turns the data stage's analyses into ranked, priced recommendations. The levers of
 * {@code docs/ANALYSIS.md} apply in order over one {@link Ledger}: each prices what the earlier ones
 * left of a feature × model group's cost and takes its savings out, so no dollar is saved twice and
 * the total is the sum of the recommendations. Models the catalog does not know are listed as
 * unpriced, never priced at zero.
 */
public final class SavingsPlanner {
  public static final String METHOD_CATALOG = "catalog";
  public static final String METHOD_BASIC = "basic";

  /** Every lever in order, then the ranked result. */
  public OptimizerResult plan(DataResult data, PricingCatalog catalog) {
    Plan plan = start(data, catalog);
    for (int i = 0; i < plan.size(); i++) {
      plan.apply(i);
    }
    return plan.result();
  }

  /** A plan whose levers the caller applies one by one (the optimizer shows each as a tool). */
  public Plan start(DataResult data, PricingCatalog catalog) {
    return new Plan(withoutNulls(data), catalog);
  }

  /** The levers of one analysis, applied in order. */
  public static final class Plan {
    private final DataResult data;
    private final PricingCatalog catalog;
    private final SpendWindow window;
    private final Ledger ledger;
    private final List<Lever> levers;
    private final List<Recommendation> found = new ArrayList<>();
    private int next;

    private Plan(DataResult data, PricingCatalog catalog) {
      this.data = data;
      this.catalog = catalog;
      this.window = new SpendWindow(data.window());
      this.ledger = new Ledger(data.byFeatureModel());
      this.levers = List.of(
          new AnomalyAlertLever(catalog, window),
          new RetryWasteLever(catalog, window),
          new DuplicateCachingLever(catalog, window),
          new OutputCapsLever(catalog, window),
          new RightSizingLever(catalog, window),
          new PromptCachingLever(catalog, window),
          new BatchApiLever(catalog, window),
          new ProviderAlternativesLever(catalog, window));
    }

    public int size() {
      return levers.size();
    }

    /** The lever's name, e.g. {@code prompt_caching}. */
    public String name(int index) {
      return levers.get(index).name();
    }

    /** What the lever looks at, for the user. */
    public String looksAt(int index) {
      return levers.get(index).looksAt();
    }

    /** Applies lever {@code index}; levers must be applied in order, each once. */
    public List<Recommendation> apply(int index) {
      if (index != next) {
        throw new IllegalStateException("levers apply in order: expected " + next + ", got " + index);
      }
      next++;
      List<Recommendation> recommendations = levers.get(index).apply(data, ledger);
      found.addAll(recommendations);
      return recommendations;
    }

    public OptimizerResult result() {
      return SavingsPlanner.result(data, window, found, unpriced(data, catalog), METHOD_CATALOG);
    }
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
            data.byModel().stream().map(m -> Map.entry(m.provider(), m.model())),
            data.byFeatureModel().stream().map(g -> Map.entry(g.provider(), g.model())))
        .filter(pair -> catalog.find(pair.getKey(), pair.getValue()).isEmpty())
        .forEach(pair -> unpriced.add(pair.getValue()));
    return unpriced;
  }

  /** Older or partial answers may lack the newer analyses: they count as empty, not as an error. */
  private static DataResult withoutNulls(DataResult d) {
    return new DataResult(d.window(), d.totals(), orEmpty(d.byModel()), orEmpty(d.byFeature()), orEmpty(d.byProvider()),
        orEmpty(d.byFeatureModel()), orEmpty(d.byDay()), orEmpty(d.cacheUse()), orEmpty(d.failures()),
        orEmpty(d.outputUse()), orEmpty(d.duplicates()), orEmpty(d.latency()), orEmpty(d.batchUse()),
        orEmpty(d.anomalies()), d.forecast(), d.quality(), orEmpty(d.unpricedModels()), d.dataVersion(), d.fromCache());
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
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
