package apex.data.demo;

import apex.data.demo.DemoFeature.ModelUse;

import java.util.List;

/**
 * The demo team's features (docs/ANALYSIS.md, "Demo data and its planted inefficiencies"). A feature
 * with a plant meets exactly its lever's condition; every other condition of the optimizer's levers is
 * missed on purpose and by a margin: failures ≤ 0.5 %, cache reads ≥ 15 % of input or an input spread
 * that puts p05 below half of p50, answers well under {@code max_tokens} and clipped below twice their
 * p95, {@code max_tokens} under four times the p95 answer, unique prompts, office-hours arrival, and
 * average answers over 300 tokens unless the model is already the smallest of its family.
 */
final class DemoFeatures {
  private DemoFeatures() {}

  static final String SUPPORT_CHAT = "support-chat";
  static final String DOC_SUMMARIZER = "doc-summarizer";

  private static final double BASE_FAILURES = 0.003;

  private static ModelUse gpt54(double share, double reasoning) {
    return new ModelUse("openai", "gpt-5.4", share, 900, 12, reasoning);
  }

  private static ModelUse gpt54Mini(double reasoning) {
    return new ModelUse("openai", "gpt-5.4-mini", 1, 400, 6, reasoning);
  }

  private static ModelUse sonnet(double share) {
    return new ModelUse("anthropic", "claude-sonnet-4-6", share, 1100, 14, 0);
  }

  private static ModelUse geminiPro(double reasoning) {
    return new ModelUse("google", "gemini-2.5-pro", 1, 1500, 10, reasoning);
  }

  private static final ModelUse GEMINI_FLASH_LITE = new ModelUse("google", "gemini-2.5-flash-lite", 1, 250, 2, 0);

  static final List<DemoFeature> ALL = List.of(
      new DemoFeature(SUPPORT_CHAT, Plant.RETRY_STORMS, 0.07, List.of(sonnet(0.5), gpt54(0.5, 0.25)),
          ArrivalHours.OFFICE, 0, new TokenShape(20_000, 0.5, 2_000, 150_000), new TokenShape(450, 0.5, 40, 1_900),
          2_048, 0.55, 0.05, BASE_FAILURES, 0, 0, 3, true),
      new DemoFeature("ticket-classifier", Plant.RIGHT_SIZING, 0.061, List.of(gpt54(1, 0)),
          ArrivalHours.OFFICE, 0, new TokenShape(3_000, 0.6, 300, 20_000), new TokenShape(15, 0.5, 5, 40),
          64, 0, 0, BASE_FAILURES, 0, 0, 0, false),
      new DemoFeature("policy-assistant", Plant.PROMPT_CACHING, 0.015, List.of(sonnet(1)),
          ArrivalHours.OFFICE, Plant.POLICY_PROMPT_TOKENS, new TokenShape(1_000, 0.4, 200, 8_000),
          new TokenShape(350, 0.45, 60, 1_400), 2_048, 0, 0, BASE_FAILURES, 0, 0, 0, true),
      new DemoFeature("nightly-digest", Plant.BATCH, 0.028, List.of(gpt54Mini(0.15)),
          ArrivalHours.NIGHTLY, 0, new TokenShape(20_000, 0.8, 1_000, 200_000), new TokenShape(700, 0.3, 150, 2_000),
          4_096, 0, 0, BASE_FAILURES, 0, 0, 0, false),
      new DemoFeature("report-writer", Plant.RUNAWAY, 0.131, List.of(geminiPro(0)),
          ArrivalHours.OFFICE, 0, new TokenShape(3_000, 0.5, 300, 40_000),
          new TokenShape(500, 0.35, 80, Plant.LONGEST_NORMAL_REPORT), 16_384, 0.2, 0, BASE_FAILURES, 0.03, 0, 0,
          false),
      new DemoFeature("email-drafts", Plant.TRUNCATION, 0.24, List.of(gpt54Mini(0.1)),
          ArrivalHours.OFFICE, 0, new TokenShape(6_000, 0.5, 500, 50_000), new TokenShape(700, 0.35, 80, 5_000),
          1_000, 0.25, 0, BASE_FAILURES, 0, 0, 0, true),
      new DemoFeature("faq-answers", Plant.REPEATS, 0.149, List.of(gpt54Mini(0.1)),
          ArrivalHours.OFFICE, 0, new TokenShape(8_000, 0.5, 600, 60_000), new TokenShape(400, 0.4, 60, 1_400),
          2_048, 0.3, 0, BASE_FAILURES, 0, 0.3, 0, true),
      new DemoFeature(DOC_SUMMARIZER, Plant.SPIKE, 0.022, List.of(geminiPro(0.3)),
          ArrivalHours.OFFICE, 0, new TokenShape(16_000, 0.6, 1_500, 150_000), new TokenShape(900, 0.4, 150, 3_200),
          4_096, 0.2, 0, BASE_FAILURES, 0, 0, 0, false),
      new DemoFeature("code-review", null, 0.016, List.of(sonnet(1)),
          ArrivalHours.OFFICE, 0, new TokenShape(30_000, 0.5, 3_000, 180_000), new TokenShape(1_500, 0.5, 100, 6_800),
          8_192, 0.35, 0.1, BASE_FAILURES, 0, 0, 0, false),
      new DemoFeature("search-rerank", null, 0.268, List.of(GEMINI_FLASH_LITE),
          ArrivalHours.OFFICE, 0, new TokenShape(8_000, 0.5, 500, 60_000), new TokenShape(80, 0.3, 20, 250),
          256, 0.25, 0, BASE_FAILURES, 0, 0, 0, false));

  static DemoFeature named(String name) {
    return ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }
}
