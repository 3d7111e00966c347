package apex.optimizer;

import apex.contracts.Schemas;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.Window;
import apex.runtime.pricing.PricingCatalog;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavingsPlannerTest {
  private static final PricingCatalog CATALOG = PricingCatalog.load(LocalDate.of(2026, 11, 22));

  /** 15 days, so monthly figures are twice the window's. */
  private static final Window WINDOW = new Window("2026-11-08", "2026-11-22", 15);

  // Per million tokens: gpt-4o $2.50 in / $1.25 cache read / $10 out; gpt-4o-mini $0.15 / $0.60;
  // claude-sonnet-4-5 $3 in / $0.30 cache read / $15 out; claude-haiku-4-5 $1 / $5.
  private static final List<FeatureModelSpend> GROUPS = List.of(
      // list 5M×2.5 + 0.8M×10 = $20.50
      new FeatureModelSpend("ticket-triage", "openai", "gpt-4o", 10_000, 5_000_000, 800_000, 80, 20.50),
      new FeatureModelSpend("summarize", "openai", "gpt-4o", 2_000, 2_000_000, 1_000_000, 500, 15.00),
      // list 3M×3 + 0.1M×15 = $10.50, billed $9.00
      new FeatureModelSpend("extract", "anthropic", "claude-sonnet-4-5-20250929", 1_000, 3_000_000, 100_000, 100, 9.00),
      new FeatureModelSpend("chat", "acme", "acme-llm-9", 500, 400_000, 20_000, 40, 5.00),
      // list 13M×3 + 0.35M×15 = $44.25
      new FeatureModelSpend("policy", "anthropic", "claude-sonnet-4-5", 1_000, 13_000_000, 350_000, 350, 44.25),
      // list 3M×0.15 + 0.4M×0.6 = $0.69
      new FeatureModelSpend("digest", "openai", "gpt-4o-mini", 500, 3_000_000, 400_000, 800, 0.69),
      new FeatureModelSpend("faq", "openai", "gpt-4o-mini", 1_000, 2_000_000, 400_000, 400, 1.00),
      // list 2M×2.5 + 0.9M×10 = $14.00
      new FeatureModelSpend("writer", "openai", "gpt-4o", 1_000, 2_000_000, 900_000, 900, 14.00));

  private static DataResult data() {
    List<Long> nightly = new ArrayList<>(Collections.nCopies(24, 0L));
    nightly.set(1, 200L);
    nightly.set(2, 200L);
    nightly.set(3, 100L);
    List<Long> daytime = new ArrayList<>(Collections.nCopies(24, 0L));
    for (int h = 8; h < 18; h++) {
      daytime.set(h, 100L);
    }
    return new DataResult(WINDOW,
        new Totals(17_000, 30_400_000, 0, 0, 3_970_000, 0, 80, 109.44),
        List.of(new ModelSpend("openai", "gpt-4o", 13_000, 9_000_000, 0, 2_700_000, 49.50),
            new ModelSpend("anthropic", "claude-sonnet-4-5", 1_000, 13_000_000, 0, 350_000, 44.25),
            new ModelSpend("anthropic", "claude-sonnet-4-5-20250929", 1_000, 3_000_000, 0, 100_000, 9.00),
            new ModelSpend("acme", "acme-llm-9", 500, 400_000, 0, 20_000, 5.00),
            new ModelSpend("openai", "gpt-4o-mini", 1_500, 5_000_000, 0, 800_000, 1.69)),
        List.of(new FeatureSpend("policy", 1_000, 44.25), new FeatureSpend("ticket-triage", 10_000, 20.50)),
        List.of(),
        GROUPS,
        List.of(new DaySpend("2026-11-08", 900, 3.30), new DaySpend("2026-11-10", 900, 12.00)),
        List.of(new CacheUse("policy", "anthropic", "claude-sonnet-4-5", 1_000, 13_000_000, 0, 0, 350_000, 0,
                12_000, 12_900, 44.25),
            // a floor under 1,024 tokens is no prefix worth caching
            new CacheUse("summarize", "openai", "gpt-4o", 2_000, 2_000_000, 0, 0, 1_000_000, 0, 900, 1_000, 15.00),
            // long but widely spread inputs (documents), not a shared prefix: p05 < 0.6 × p50
            new CacheUse("writer", "openai", "gpt-4o", 1_000, 2_000_000, 0, 0, 900_000, 0, 1_100, 2_000, 14.00)),
        List.of(new FailureWaste("policy", "anthropic", "claude-sonnet-4-5", 1_000, 80, 60, 10, 10, 3.00, 44.25,
                "2026-11-20T14", 30),
            // 1 % failures are normal noise, not a retry problem
            new FailureWaste("writer", "openai", "gpt-4o", 1_000, 10, 10, 0, 0, 0.20, 14.00, null, 0)),
        List.of(new OutputUse("summarize", "openai", "gpt-4o", 2_000, 512, 450, 512, 100, 0.75, 0, 0, 15.00),
            new OutputUse("writer", "openai", "gpt-4o", 1_000, 16_384, 600, 1_000, 0, 0, 20, 180_000, 14.00)),
        List.of(new DuplicateUse("faq", "openai", "gpt-4o-mini", 1_000, 700, 300, 0.30, 1.00),
            new DuplicateUse("summarize", "openai", "gpt-4o", 2_000, 1_990, 10, 0.08, 15.00)),
        List.of(),
        List.of(new BatchUse("digest", "openai", "gpt-4o-mini", 500, 0, 0.69, 0.69, nightly),
            new BatchUse("faq", "openai", "gpt-4o-mini", 1_000, 0, 1.00, 1.00, daytime)),
        List.of(new DayAnomaly("2026-11-10", 12.00, 3.00, 9.00, 7.5, "summarize", 8.00)),
        null, null, List.of("legacy-model"), 1, false);
  }

  private final OptimizerResult result = new SavingsPlanner().plan(data(), CATALOG);

  @Test
  void eachLeverPricesItsEvidence() {
    Map<String, Double> byId = result.recommendations().stream()
        .filter(r -> !r.lever().equals(ProviderAlternativesLever.LEVER))
        .collect(Collectors.toMap(Recommendation::id, Recommendation::monthlySavingsUsd));
    assertEquals(Map.of(
        // the $9.00 excess of 2026-11-10, twice a month at the window's rate
        "alert-daily-spend", 18.00,
        // the $3.00 the failed calls were billed
        "retry-policy-claude-sonnet-4-5", 6.00,
        // the $0.30 the repeats cost (summarize's 0.5 % repeats are noise)
        "dedupe-faq-gpt-4o-mini", 0.60,
        // the $0.75 the truncated answers cost
        "truncation-summarize-gpt-4o", 1.50,
        // 180,000 runaway tokens beyond 2 × p95 at $10 per million = $1.80
        "cap-output-writer-gpt-4o", 3.60,
        // 20.50 × (1 − 1.23/20.50) = $19.27
        "right-size-ticket-triage-gpt-4o", 38.54,
        // 9.00 × (1 − 3.50/10.50) = $6.00
        "right-size-extract-claude-sonnet-4-5-20250929", 12.00,
        // 12,000 of 13,000 input tokens per call read at $0.30: list 44.25 → 11.85, 73.22 % less,
        // on the $41.25 left after the failed calls: $30.20
        "cache-policy-claude-sonnet-4-5", 60.41,
        // all 500 calls between 01:00 and 04:00: half of $0.69
        "batch-digest-gpt-4o-mini", 0.69), byId);
  }

  @Test
  void noGroupIsSavedMoreThanItCosts() {
    OptimizerResult all = new SavingsPlanner().plan(data(), CATALOG);
    assertTrue(all.totalMonthlySavingsUsd() <= all.monthlySpendUsd());
    // summarize: the $9.00 anomaly, then $0.75 truncation, within its $15.00
    assertEquals(2 * (9.00 + 0.75), all.recommendations().stream()
        .filter(r -> r.id().contains("summarize") || r.id().equals("alert-daily-spend"))
        .mapToDouble(Recommendation::monthlySavingsUsd).sum(), 0.001);
  }

  @Test
  void rightSizedTrafficIsNotAlsoPricedForCachingOnTheOldModel() {
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().startsWith("cache-ticket-triage")
        || r.id().startsWith("cache-extract")));
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().contains("summarize")
        && r.lever().equals(RightSizingLever.LEVER)), "long answers are not right-sized");
  }

  @Test
  void evidenceCarriesTheNumbersItRestsOn() {
    Recommendation cache = byId("cache-policy-claude-sonnet-4-5");
    assertTrue(cache.evidence().contains("12,000 tokens") && cache.evidence().contains("$41.25"), cache.evidence());
    Recommendation retry = byId("retry-policy-claude-sonnet-4-5");
    assertTrue(retry.evidence().contains("2026-11-20T14:00 UTC") && retry.evidence().contains("8.0%"), retry.evidence());
    Recommendation batch = byId("batch-digest-gpt-4o-mini");
    assertTrue(batch.evidence().contains("01:00–05:00 UTC") && batch.evidence().startsWith("500 of"), batch.evidence());
    Recommendation triage = byId("right-size-ticket-triage-gpt-4o");
    assertTrue(triage.evidence().contains("gpt-4o-mini") && triage.evidence().contains("$1.23"), triage.evidence());
    result.recommendations().forEach(r -> assertFalse(r.steps().isEmpty(), r.id()));
  }

  @Test
  void ranksBySavingsAndTotalsTheRecommendations() {
    List<Double> savings = result.recommendations().stream().map(Recommendation::monthlySavingsUsd).toList();
    List<Double> sorted = new ArrayList<>(savings);
    sorted.sort(Collections.reverseOrder());
    assertEquals(sorted, savings);
    assertEquals(result.totalMonthlySavingsUsd(), savings.stream().mapToDouble(Double::doubleValue).sum(), 0.005);
    assertEquals(218.88, result.monthlySpendUsd());
    assertEquals(SavingsPlanner.METHOD_CATALOG, result.method());
  }

  @Test
  void providerAlternativesOnlyProposeTheSameModel() {
    result.recommendations().stream().filter(r -> r.lever().equals(ProviderAlternativesLever.LEVER))
        .forEach(r -> assertTrue(r.title().startsWith("Buy "), r.title()));
  }

  @Test
  void unknownModelsAreUnpricedAndGetNoRecommendation() {
    assertEquals(List.of("acme-llm-9", "legacy-model"), result.unpricedModels());
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().contains("acme")));
  }

  @Test
  void leversApplyInOrderOnly() {
    SavingsPlanner.Plan plan = new SavingsPlanner().start(data(), CATALOG);
    assertEquals(8, plan.size());
    assertEquals(AnomalyAlertLever.LEVER, plan.name(0));
    assertThrows(IllegalStateException.class, () -> plan.apply(1));
  }

  @Test
  void resultsMatchTheOptimizerSchema() {
    assertEquals(List.of(), Schemas.get().problems(Schemas.OPTIMIZER_RESULT, result.toJson()));
    OptimizerResult basic = new SavingsPlanner().basic(data());
    assertEquals(List.of(), Schemas.get().problems(Schemas.OPTIMIZER_RESULT, basic.toJson()));
  }

  @Test
  void basicPlanNamesWhereTheMoneyGoesWithoutClaimingSavings() {
    OptimizerResult basic = new SavingsPlanner().basic(data());
    assertEquals(SavingsPlanner.METHOD_BASIC, basic.method());
    assertEquals(0, basic.totalMonthlySavingsUsd());
    assertEquals(218.88, basic.monthlySpendUsd());
    assertEquals(List.of("review-feature-policy", "review-model-openai-gpt-4o"),
        basic.recommendations().stream().map(Recommendation::id).toList());
    Recommendation model = basic.recommendations().get(1);
    assertTrue(model.evidence().contains("$49.50 of $109.44 (45%)"), model.evidence());
    assertFalse(basic.recommendations().stream().anyMatch(r -> r.monthlySavingsUsd() > 0));
  }

  @Test
  void olderAnswersWithoutTheNewAnalysesStillPlan() {
    DataResult d = data();
    DataResult old = new DataResult(d.window(), d.totals(), d.byModel(), d.byFeature(), null, d.byFeatureModel(),
        d.byDay(), null, null, null, null, null, null, null, null, null, null, 0, false);
    OptimizerResult plan = new SavingsPlanner().plan(old, CATALOG);
    assertTrue(plan.recommendations().stream().anyMatch(r -> r.lever().equals(RightSizingLever.LEVER)));
  }

  private Recommendation byId(String id) {
    return result.recommendations().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " not in " + result.recommendations().stream()
            .map(Recommendation::id).toList()));
  }
}
