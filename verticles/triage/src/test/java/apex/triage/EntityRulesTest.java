package apex.triage;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Models, providers, features and quantities found in one question each. */
class EntityRulesTest {

  @Test
  void modelsAreNormalisedAndImplyTheirMakers() {
    String text = "move gpt 4o, 4o mini and claude 3.5 sonnet to gemini flash or llama 3.1 70b on groq";
    assertEquals(List.of("gpt-4o", "gpt-4o-mini", "claude-3.5-sonnet", "gemini-flash", "llama-3.1-70b"),
        ModelNames.models(text));
    assertEquals(List.of("openai", "anthropic", "google", "groq"), ModelNames.providers(text));
    assertEquals(List.of("sonnet", "o4-mini"), ModelNames.models("sonnet vs o4-mini"));
    assertEquals(List.of("aws", "anthropic"), ModelNames.providers("bedrock bill for claude"));
    assertEquals(List.of(), ModelNames.models("our opex is fine, proper gptzero"));
  }

  @Test
  void featuresAreTagsOrNamedFeaturesButNotModelsColumnsOrEnglish() {
    assertEquals(List.of("ticket-classifier", "summarize_email", "chat"), FeatureTags.features(
        "the ticket-classifier and summarize_email on gpt-4o-mini, plus the chat feature", List.of("gpt-4o-mini")));
    assertEquals(List.of(), FeatureTags.features(
        "month-end run-rate for non-interactive traffic, cached_input_tokens missing, per feature", List.of()));
    assertEquals("  is zero", FeatureTags.maskColumns("cached_input_tokens is zero"));
  }

  @Test
  void amountsNeedADollarSignOrWord() {
    assertEquals(List.of(5000.0, 5000.0, 1200000.0, 300.0, 40000.0, 0.5),
        Quantities.amountsUsd("$5k, 5,000 dollars, $1.2m, under $300/month, 40k usd, $0.50 per million"));
    assertEquals(List.of(), Quantities.amountsUsd("2m tokens at 8k context, 3x more"));
  }

  @Test
  void percentagesIncludeCutFractions() {
    assertEquals(List.of(20.0, 15.0, 50.0), Quantities.percentages("20% or 15 percent, cut spend by half"));
    assertEquals(List.of(50.0), Quantities.percentages("can we halve it"));
    assertEquals(List.of(33.33), Quantities.percentages("reduce it by a third"));
    assertEquals(List.of(), Quantities.percentages("p99 at 2x"));
  }
}
