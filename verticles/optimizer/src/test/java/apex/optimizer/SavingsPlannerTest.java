package apex.optimizer;

import apex.contracts.Schemas;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.Window;
import apex.runtime.pricing.PricingCatalog;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavingsPlannerTest {
  private static final PricingCatalog CATALOG = PricingCatalog.load(LocalDate.of(2026, 11, 22));

  /** 15 days, so monthly figures are twice the window's. */
  private static final Window WINDOW = new Window("2026-11-08", "2026-11-22", 15);

  // gpt-4o $2.50 / $10; gpt-4o-mini $0.15 / $0.60; claude-sonnet-4-5 $3 / $15; claude-haiku-4-5 $1 / $5 per million
  private static final FeatureModelSpend TRIAGE_ON_GPT4O =
      new FeatureModelSpend("ticket-triage", "openai", "gpt-4o", 10_000, 5_000_000, 800_000, 80, 20.50);
  private static final FeatureModelSpend SUMMARIES_ON_GPT4O =
      new FeatureModelSpend("summarize", "openai", "gpt-4o", 2_000, 2_000_000, 1_000_000, 500, 15.00);
  private static final FeatureModelSpend EXTRACT_ON_SONNET =
      new FeatureModelSpend("extract", "anthropic", "claude-sonnet-4-5-20250929", 1_000, 3_000_000, 100_000, 100, 9.00);
  private static final FeatureModelSpend CHAT_ON_UNKNOWN =
      new FeatureModelSpend("chat", "acme", "acme-llm-9", 500, 400_000, 20_000, 40, 5.00);

  private static DataResult data() {
    return new DataResult(WINDOW,
        new Totals(13_500, 10_400_000, 0, 0, 1_920_000, 0, 0, 49.50),
        List.of(new ModelSpend("openai", "gpt-4o", 12_000, 7_000_000, 0, 1_800_000, 35.50),
            new ModelSpend("anthropic", "claude-sonnet-4-5-20250929", 1_000, 3_000_000, 0, 100_000, 9.00),
            new ModelSpend("acme", "acme-llm-9", 500, 400_000, 0, 20_000, 5.00)),
        List.of(new FeatureSpend("ticket-triage", 10_000, 20.50), new FeatureSpend("summarize", 2_000, 15.00),
            new FeatureSpend("extract", 1_000, 9.00), new FeatureSpend("chat", 500, 5.00)),
        List.of(),
        List.of(TRIAGE_ON_GPT4O, SUMMARIES_ON_GPT4O, EXTRACT_ON_SONNET, CHAT_ON_UNKNOWN),
        List.of(new DaySpend("2026-11-08", 900, 3.30), new DaySpend("2026-11-09", 900, 3.30)),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null,
        new DataResult.Quality(13_500, 0, 0, 0, 0, 0, 0, List.of()), List.of("legacy-model"), 1, false);
  }

  private final OptimizerResult result = new SavingsPlanner().plan(data(), CATALOG);

  @Test
  void rightSizingSavesThePriceRatioOfTheSmallerSiblingOnTheActualCost() {
    // triage: list $20.50 on gpt-4o vs 5M×0.15 + 0.8M×0.6 = $1.23 on gpt-4o-mini;
    // 20.50 × (1 − 1.23/20.50) = $19.27 in 15 days → $38.54 a month
    Recommendation triage = byId("right-size-ticket-triage-gpt-4o");
    assertEquals(38.54, triage.monthlySavingsUsd());
    assertEquals(RightSizingLever.LEVER, triage.lever());
    assertTrue(triage.evidence().contains("gpt-4o-mini") && triage.evidence().contains("$1.23"), triage.evidence());
    assertTrue(triage.evidence().contains("10,000 calls") && triage.evidence().contains("80 output tokens"));
    // extract: list $10.50 on sonnet vs $3.50 on haiku; actual $9.00 × 2/3 = $6.00 → $12.00 a month
    assertEquals(12.00, byId("right-size-extract-claude-sonnet-4-5-20250929").monthlySavingsUsd());
  }

  @Test
  void longOutputFeaturesAreNotRightSized() {
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().contains("summarize")));
  }

  @Test
  void cachingIsPricedOnlyOnTrafficThatRightSizingLeftOnTheModel() {
    // gpt-4o keeps $35.50 − $20.50 = $15.00. Half the input read from cache: list 35.50 → 31.125,
    // so 15.00 × 4.375/35.50 = $1.8486 in the window → $3.70 a month (not $8.75 on the whole row)
    Recommendation caching = byId("cache-openai-gpt-4o");
    assertEquals(3.70, caching.monthlySavingsUsd());
    assertEquals("low", caching.confidence());
    assertTrue(caching.evidence().contains("50%"), caching.evidence());
    // sonnet's only feature moved to haiku: nothing left to cache
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().equals("cache-anthropic-claude-sonnet-4-5-20250929")));
  }

  @Test
  void ranksBySavingsAndTotalsWithoutExceedingSpend() {
    assertEquals(List.of(38.54, 12.00, 3.70),
        result.recommendations().stream().map(Recommendation::monthlySavingsUsd).toList());
    assertEquals(54.24, result.totalMonthlySavingsUsd());
    assertEquals(99.00, result.monthlySpendUsd());
    assertTrue(result.totalMonthlySavingsUsd() <= result.monthlySpendUsd());
    assertEquals(SavingsPlanner.METHOD_CATALOG, result.method());
  }

  @Test
  void unknownModelsAreUnpricedAndGetNoRecommendation() {
    assertEquals(List.of("acme-llm-9", "legacy-model"), result.unpricedModels());
    assertTrue(result.recommendations().stream().noneMatch(r -> r.id().contains("acme")));
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
    assertEquals(99.00, basic.monthlySpendUsd());
    assertEquals(List.of("review-feature-ticket-triage", "review-model-openai-gpt-4o"),
        basic.recommendations().stream().map(Recommendation::id).toList());
    Recommendation model = basic.recommendations().get(1);
    assertTrue(model.evidence().contains("$35.50 of $49.50 (72%)"), model.evidence());
    assertFalse(basic.recommendations().stream().anyMatch(r -> r.monthlySavingsUsd() > 0));
  }

  private Recommendation byId(String id) {
    return result.recommendations().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " not in " + result.recommendations().stream()
            .map(Recommendation::id).toList()));
  }
}
