package apex.data.demo;

import apex.data.usage.UsageRecord;
import apex.runtime.pricing.ModelPrice;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static apex.data.demo.DemoRows.cost;
import static apex.data.demo.DemoRows.of;
import static apex.data.demo.DemoRows.ok;
import static apex.data.demo.DemoUsageGeneratorTest.CATALOG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest's truths agree with the rows, recomputed here without the generator's code; each
 * planted group meets its lever's condition (docs/ANALYSIS.md, "Optimizer: the levers") and no group
 * meets the condition of a lever that was not planted on it.
 */
class DemoManifestTest {
  private static final DemoUsage DEMO = new DemoUsageGenerator().generate(42, 42, 33_600,
      DemoUsageGeneratorTest.LAST_DAY, CATALOG);

  private static double truth(String lever, String feature, String model) {
    return DEMO.manifest().planted().stream()
        .filter(p -> p.lever().equals(lever) && p.feature().equals(feature) && p.model().equals(model))
        .findFirst().orElseThrow(() -> new AssertionError("no " + lever + " for " + feature + "/" + model))
        .windowSavingsUsd();
  }

  private static List<UsageRecord> group(String feature, String model) {
    return of(DEMO.records(), feature).stream().filter(r -> r.model().equals(model)).toList();
  }

  private static ModelPrice price(String provider, String model) {
    return CATALOG.byId(provider, model).orElseThrow();
  }

  @Test
  void wasteTruthsAreTheCostOfTheWastefulRows() {
    for (String model : List.of("gpt-5.4", "claude-sonnet-4-6")) {
      double failed = cost(group("support-chat", model).stream().filter(r -> !r.status().equals("ok")).toList());
      assertEquals(failed, truth("retry_waste", "support-chat", model), 1e-9);
    }
    double truncated = cost(of(DEMO.records(), "email-drafts").stream()
        .filter(r -> "length".equals(r.finishReason())).toList());
    assertEquals(truncated, truth("output_caps", "email-drafts", "gpt-5.4-mini"), 1e-9);
    double repeats = cost(DemoRows.repeats(of(DEMO.records(), "faq-answers")));
    assertEquals(repeats, truth("duplicate_caching", "faq-answers", "gpt-5.4-mini"), 1e-9);
  }

  @Test
  void pricedTruthsFollowTheCatalog() {
    double batch = cost(of(DEMO.records(), "nightly-digest")) * CATALOG.batchDiscount("openai").orElseThrow().discount();
    assertEquals(batch, truth("batch_api", "nightly-digest", "gpt-5.4-mini"), 1e-9);

    ModelPrice mini = price("openai", "gpt-5.4-mini");
    double rightSized = of(DEMO.records(), "ticket-classifier").stream().filter(r -> !r.status().equals("rate_limited"))
        .mapToDouble(r -> r.costUsd() - mini.costUsd(r.inputTokens(), r.cachedInputTokens(), r.cacheWriteTokens(),
            r.outputTokens())).sum();
    assertEquals(rightSized, truth("model_right_sizing", "ticket-classifier", "gpt-5.4"), 1e-9);

    ModelPrice sonnet = price("anthropic", "claude-sonnet-4-6");
    double cached = of(DEMO.records(), "policy-assistant").stream().filter(r -> !r.status().equals("rate_limited"))
        .mapToDouble(r -> r.costUsd() - sonnet.costUsd(r.inputTokens(), 12_000, 0, r.outputTokens())).sum();
    assertEquals(cached, truth("prompt_caching", "policy-assistant", "claude-sonnet-4-6"), 1e-9);

    double perOutputToken = price("google", "gemini-2.5-pro").output().base() / 1e6;
    double runaway = ok(of(DEMO.records(), "report-writer")).stream().filter(r -> r.outputTokens() > 1_600)
        .mapToDouble(r -> (r.outputTokens() - 1_600) * perOutputToken).sum();
    assertEquals(runaway, truth("output_caps", "report-writer", "gemini-2.5-pro"), 1e-9);
  }

  @Test
  void spikeTruthIsTheSpikeDaysExcessOverAnOrdinaryWeekdayOfItsFeature() {
    LocalDate spike = DemoUsageGeneratorTest.spikeDay();
    Map<LocalDate, Double> daily = of(DEMO.records(), "doc-summarizer").stream()
        .filter(r -> !DemoSchedule.isWeekend(DemoRows.day(r)))
        .collect(Collectors.groupingBy(DemoRows::day, Collectors.summingDouble(UsageRecord::costUsd)));
    double ordinary = DemoRows.median(daily.entrySet().stream().filter(e -> !e.getKey().equals(spike))
        .mapToDouble(Map.Entry::getValue).toArray());
    double truth = truth("anomaly_alerts", "doc-summarizer", "gemini-2.5-pro");
    assertEquals(daily.get(spike) - ordinary, truth, 0.1 * truth);
  }

  @Test
  void everyPlantSavesAtLeastTwoPercentOfSpend() {
    double total = DEMO.manifest().totalCostUsd();
    Map<String, Double> byFeature = DEMO.manifest().planted().stream()
        .collect(Collectors.groupingBy(PlantedSaving::feature, Collectors.summingDouble(PlantedSaving::windowSavingsUsd)));
    assertEquals(8, byFeature.size());
    byFeature.forEach((feature, saving) -> assertTrue(saving >= 0.02 * total,
        feature + " saves " + saving + " of " + total));
    DEMO.manifest().planted().forEach(p -> assertTrue(p.windowSavingsUsd() >= 0.01 * total, p.id()));
  }

  @Test
  void eachPlantedGroupMeetsItsLeverAndNoGroupMeetsALeverNotPlantedOnIt() {
    Map<String, String> plantedLever = Map.of(
        "support-chat", "retry_waste", "ticket-classifier", "model_right_sizing",
        "policy-assistant", "prompt_caching", "nightly-digest", "batch_api", "report-writer", "output_caps_runaway",
        "email-drafts", "output_caps_truncation", "faq-answers", "duplicate_caching");
    DemoRows.byFeatureAndModel(DEMO.records()).forEach((key, rows) -> {
      LeverConditions met = LeverConditions.of(rows, CATALOG);
      String feature = rows.get(0).feature();
      String planted = plantedLever.get(feature);
      for (Map.Entry<String, Boolean> lever : met.byLever().entrySet()) {
        assertEquals(lever.getKey().equals(planted), lever.getValue(), key + " " + lever.getKey() + ": " + met);
      }
      assertTrue(met.clearOfUnplantedLevers(planted), key + " too close to a lever: " + met);
      assertFalse(met.cheaperHost(), key + " is sold cheaper elsewhere");
    });
  }
}
