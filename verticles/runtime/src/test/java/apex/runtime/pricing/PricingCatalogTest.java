package apex.runtime.pricing;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PricingCatalogTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
  private static final PricingCatalog SNAPSHOT = PricingCatalog.load(TODAY);

  /** A two-provider snapshot written for the match and date rules. */
  private static final JsonObject HAND_BUILT = new JsonObject("""
      {"providers":[
        {"id":"acme","name":"Acme","models":[
          {"id":"exact","match":{"equals":"acme-exact"},"prices":{"input_mtok":1,"output_mtok":2}},
          {"id":"prefixed","match":{"starts_with":"acme-pre"},"prices":{"input_mtok":3,"output_mtok":4}},
          {"id":"either","match":{"or":[{"equals":"left"},{"contains":"right"}]},"prices":{"input_mtok":5,"output_mtok":6}},
          {"id":"both","match":{"and":[{"starts_with":"both-"},{"regex":"^(?!.*-tts)"}]},"prices":{"input_mtok":7}},
          {"id":"no-input","match":{"equals":"free-lunch"},"prices":{"output_mtok":1}},
          {"id":"dated","match":{"equals":"dated"},"prices":[
            {"prices":{"input_mtok":10,"output_mtok":10}},
            {"constraint":{"type":"start_date","start_date":"2026-06-01"},"prices":{"input_mtok":8,"output_mtok":8}},
            {"constraint":{"type":"start_date","start_date":"2027-01-01"},"prices":{"input_mtok":6,"output_mtok":6}},
            {"constraint":{"type":"time_of_date","start_time":"00:30:00Z","end_time":"16:30:00Z"},"prices":{"input_mtok":1,"output_mtok":1}}
          ]}
        ]},
        {"id":"other","name":"Other","models":[
          {"id":"shared","match":{"equals":"acme-exact"},"prices":{"input_mtok":99,"output_mtok":99}}
        ]}
      ]}""");

  private static final PricingCatalog HAND = PricingCatalog.fromJson(HAND_BUILT, ModelFamilies.NONE, BatchDiscounts.NONE, TODAY);

  @Test
  void matchesEqualsStartsWithOrAndIgnoringCase() {
    assertEquals("exact", modelOf(HAND.find("acme", "ACME-Exact")));
    assertEquals("prefixed", modelOf(HAND.find("acme", "acme-preview-2")));
    assertEquals("either", modelOf(HAND.find("acme", "left")));
    assertEquals("either", modelOf(HAND.find("acme", "far-right-model")));
    assertEquals("both", modelOf(HAND.find("acme", "both-fast")));
    assertTrue(HAND.find("acme", "both-fast-tts").isEmpty());
  }

  @Test
  void searchesAllProvidersInOrderWhenTheProviderIsMissingOrUnknown() {
    assertEquals("acme", HAND.find(null, "acme-exact").orElseThrow().provider());
    assertEquals("acme", HAND.find("azure-ish", "acme-exact").orElseThrow().provider());
    assertEquals("other", HAND.find("OTHER", "acme-exact").orElseThrow().provider());
  }

  @Test
  void matchesDatedAndAliasedNamesOfTheRealSnapshot() {
    assertEquals("gpt-4o", modelOf(SNAPSHOT.find("openai", "gpt-4o-2024-08-06")));
    assertEquals("gpt-4o-mini", modelOf(SNAPSHOT.find("openai", "GPT-4o-mini")));
    assertEquals("claude-sonnet-4-5", modelOf(SNAPSHOT.find(null, "claude-sonnet-4-5-20250929")));
    assertEquals("gemini-2.5-pro", modelOf(SNAPSHOT.find("google", "gemini-2.5-pro-preview-05-06")));
  }

  @Test
  void unknownModelsAndModelsWithoutAnInputPriceAreNotFound() {
    assertTrue(SNAPSHOT.find("openai", "gpt-unheard-of").isEmpty());
    assertTrue(SNAPSHOT.find(null, "").isEmpty());
    assertTrue(HAND.find("acme", "free-lunch").isEmpty());
  }

  @Test
  void takesTheLatestStartDateOnOrBeforeTodayAndIgnoresTimeOfDay() {
    assertEquals(8, HAND.find("acme", "dated").orElseThrow().input().base());
    PricingCatalog before = PricingCatalog.fromJson(HAND_BUILT, ModelFamilies.NONE, BatchDiscounts.NONE, LocalDate.of(2026, 5, 31));
    assertEquals(10, before.find("acme", "dated").orElseThrow().input().base());
    PricingCatalog after = PricingCatalog.fromJson(HAND_BUILT, ModelFamilies.NONE, BatchDiscounts.NONE, LocalDate.of(2027, 1, 1));
    assertEquals(6, after.find("acme", "dated").orElseThrow().input().base());
    assertEquals(0.135, SNAPSHOT.find("deepseek", "deepseek-chat").orElseThrow().input().base());
  }

  @Test
  void choosesTheTierByInputTokensPerCall() {
    ModelPrice gpt54 = SNAPSHOT.find("openai", "gpt-5.4").orElseThrow();
    assertEquals(2.5, gpt54.input().at(271_998));
    assertEquals(5, gpt54.input().at(271_999));
    // 300k input and 1k output in one call, all at the long-context tier: 300000×5 + 1000×22.5
    assertEquals(1.5225, gpt54.costUsd(300_000, 0, 0, 1_000), 1e-9);
    // the same sums over two calls are 150k each: base prices, 300000×2.5 + 1000×15
    assertEquals(0.765, gpt54.costUsd(2, 300_000, 0, 0, 1_000), 1e-9);
  }

  @Test
  void cachePricesFallBackToTheInputPrice() {
    ModelPrice gpt5Pro = SNAPSHOT.find("openai", "gpt-5-pro").orElseThrow();
    assertEquals(15, gpt5Pro.cacheRead().base());
    assertEquals(15, gpt5Pro.cacheWrite().base());
    assertFalse(gpt5Pro.discountsCacheReads());
    assertTrue(SNAPSHOT.find("openai", "gpt-5").orElseThrow().discountsCacheReads());
  }

  @Test
  void costCountsCacheReadsAndWritesInsideInput() {
    ModelPrice sonnet = SNAPSHOT.find("anthropic", "claude-sonnet-4-5").orElseThrow();
    // $3 input, $0.30 cache read, $3.75 cache write, $15 output per million:
    // uncached 10000−4000−1000=5000 → 0.015; reads 4000 → 0.0012; writes 1000 → 0.00375; output 500 → 0.0075
    assertEquals(0.02745, sonnet.costUsd(10_000, 4_000, 1_000, 500), 1e-12);
    // counts that contradict each other never make uncached input negative
    assertEquals(0.0012, sonnet.costUsd(1_000, 4_000, 0, 0), 1e-12);
  }

  @Test
  void everyFamilyIdResolvesAndEachSiblingIsCheaper() {
    ModelFamilies families = SNAPSHOT.families();
    assertFalse(families.byProvider().isEmpty());
    families.byProvider().forEach((provider, lists) -> lists.forEach(family -> {
      for (int i = 0; i < family.size(); i++) {
        String id = family.get(i);
        Optional<ModelPrice> price = SNAPSHOT.byId(provider, id);
        assertTrue(price.isPresent(), provider + "/" + id + " is not a model id of the snapshot");
        if (i > 0) {
          ModelPrice larger = SNAPSHOT.byId(provider, family.get(i - 1)).orElseThrow();
          assertTrue(price.get().input().base() <= larger.input().base()
              && price.get().output().base() < larger.output().base(), id + " is not cheaper than " + larger.model());
        }
      }
    }));
  }

  @Test
  void smallerSiblingIsTheNextModelOfTheFamily() {
    assertEquals("gpt-4o-mini", modelOf(SNAPSHOT.smallerSibling("openai", "gpt-4o-2024-11-20")));
    assertEquals("claude-haiku-4-5", modelOf(SNAPSHOT.smallerSibling(null, "claude-sonnet-4-6")));
    assertEquals("gemini-2.5-flash-lite", modelOf(SNAPSHOT.smallerSibling("google", "gemini-2.5-flash")));
    assertTrue(SNAPSHOT.smallerSibling("openai", "gpt-4o-mini").isEmpty());
    assertTrue(SNAPSHOT.smallerSibling("openai", "gpt-unheard-of").isEmpty());
  }

  @Test
  void batchDiscountsComeWithTheirSource() {
    BatchDiscounts.Discount openai = SNAPSHOT.batchDiscount("OpenAI").orElseThrow();
    assertEquals(0.5, openai.discount());
    assertTrue(openai.source().startsWith("https://"), openai.source());
    assertTrue(SNAPSHOT.batchDiscount("cerebras").isEmpty());
    assertTrue(SNAPSHOT.batchDiscount(null).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> BatchDiscounts.fromJson(new JsonObject(
        "{\"providers\":{\"openai\":{\"discount\":1.5,\"source\":\"x\"}}}")));
  }

  @Test
  void otherHostsOfAModelAreOtherProvidersSellingTheSameModel() {
    assertTrue(SNAPSHOT.otherHosts("openai", "gpt-unheard-of").isEmpty());
    SNAPSHOT.otherHosts("anthropic", "claude-sonnet-4-5").forEach(other -> {
      assertFalse(other.provider().equals("anthropic"));
      assertTrue(other.model().contains("sonnet"), other.model());
    });
  }

  @Test
  void formatsDollarsWithThousandsAndCents() {
    assertEquals("$1,234.57", Usd.format(1234.565));
    assertEquals("$0.00", Usd.format(0));
    assertEquals(0.13, Usd.cents(0.125));
    assertEquals("$12.30", Usd.format(12.3));
  }

  private static String modelOf(Optional<ModelPrice> price) {
    return price.map(ModelPrice::model).orElse("(none)");
  }
}
