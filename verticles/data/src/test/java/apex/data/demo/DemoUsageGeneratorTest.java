package apex.data.demo;

import apex.data.usage.UsageRecord;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static apex.data.demo.DemoRows.cost;
import static apex.data.demo.DemoRows.day;
import static apex.data.demo.DemoRows.hour;
import static apex.data.demo.DemoRows.of;
import static apex.data.demo.DemoRows.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo data has the realistic shape and each planted inefficiency, in the shape the doc describes. */
class DemoUsageGeneratorTest {
  static final LocalDate LAST_DAY = LocalDate.parse("2026-03-31");
  static final PricingCatalog CATALOG = PricingCatalog.load(LAST_DAY);
  /** The CLI's defaults: 42 days, 33,600 rows, seed 42. */
  static DemoUsage demo;

  @BeforeAll
  static void generate() {
    demo = new DemoUsageGenerator().generate(42, 42, 33_600, LAST_DAY, CATALOG);
  }

  private static List<UsageRecord> rows() {
    return demo.records();
  }

  @Test
  void sameInputsGiveTheSameRowsAndManifestAndAnotherSeedDoesNot() {
    DemoUsage first = new DemoUsageGenerator().generate(7, 14, 2_000, LAST_DAY, CATALOG);
    DemoUsage again = new DemoUsageGenerator().generate(7, 14, 2_000, LAST_DAY, CATALOG);
    assertEquals(first.records(), again.records());
    assertEquals(first.manifest(), again.manifest());
    assertNotEquals(first.records(), new DemoUsageGenerator().generate(8, 14, 2_000, LAST_DAY, CATALOG).records());
  }

  @Test
  void rowsCoverEveryRequestedUtcDayInTimeOrderAndKeepTheTableConvention() {
    Instant from = LAST_DAY.minusDays(41).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant toExclusive = LAST_DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    assertEquals(42, rows().stream().map(DemoRows::day).distinct().count());
    for (int i = 0; i < rows().size(); i++) {
      UsageRecord r = rows().get(i);
      assertTrue(!r.ts().isBefore(from) && r.ts().isBefore(toExclusive), r.toString());
      assertTrue(i == 0 || !r.ts().isBefore(rows().get(i - 1).ts()), "rows sorted by ts");
      assertTrue(r.cachedInputTokens() + r.cacheWriteTokens() <= r.inputTokens(), r.toString());
      assertTrue(r.reasoningTokens() <= r.outputTokens() && r.outputTokens() <= r.maxTokens(), r.toString());
      assertTrue(Set.of("ok", "error", "timeout", "rate_limited").contains(r.status()), r.toString());
    }
    assertEquals(Set.of("support-chat", "ticket-classifier", "policy-assistant", "nightly-digest", "report-writer",
        "email-drafts", "faq-answers", "doc-summarizer", "code-review", "search-rerank"),
        rows().stream().map(UsageRecord::feature).collect(Collectors.toSet()));
    assertEquals(rows().size(), demo.manifest().generatedRows());
  }

  @Test
  void weekdaysAndOfficeHoursCarryMoreTrafficAndDailyVolumeVariesLittle() {
    // support-chat's storms and doc-summarizer's spike add rows on some days; the rest is ordinary traffic
    Map<LocalDate, Long> perDay = rows().stream()
        .filter(r -> !r.feature().equals("support-chat") && !r.feature().equals("doc-summarizer"))
        .collect(Collectors.groupingBy(DemoRows::day, Collectors.counting()));
    double weekday = perDay.entrySet().stream().filter(e -> !DemoSchedule.isWeekend(e.getKey()))
        .mapToLong(Map.Entry::getValue).average().orElseThrow();
    double weekend = perDay.entrySet().stream().filter(e -> DemoSchedule.isWeekend(e.getKey()))
        .mapToLong(Map.Entry::getValue).average().orElseThrow();
    assertTrue(weekday > 2 * weekend, "weekday " + weekday + " vs weekend " + weekend);
    perDay.forEach((day, n) -> {
      double mean = DemoSchedule.isWeekend(day) ? weekend : weekday;
      assertTrue(Math.abs(n / mean - 1) < 0.1, day + ": " + n + " rows against a mean of " + mean);
    });
    long office = rows().stream().filter(r -> hour(r) >= 9 && hour(r) < 17).count();
    long night = rows().stream().filter(r -> hour(r) < 6).count();
    assertTrue(office > 4 * night, "office " + office + " vs night " + night);
  }

  @Test
  void ticketClassifierWritesShortLabelsOnGpt54WithoutReasoningOrCache() {
    List<UsageRecord> classifier = of(rows(), "ticket-classifier");
    assertTrue(classifier.stream().allMatch(r -> r.model().equals("gpt-5.4") && r.cachedInputTokens() == 0
        && r.reasoningTokens() == 0));
    assertTrue(ok(classifier).stream().allMatch(r -> r.outputTokens() >= 5 && r.outputTokens() <= 40));
  }

  @Test
  void policyAssistantResendsItsSystemPromptUncachedOnEveryCall() {
    List<UsageRecord> policy = of(rows(), "policy-assistant");
    assertTrue(policy.stream().allMatch(r -> r.model().equals("claude-sonnet-4-6") && r.cachedInputTokens() == 0
        && r.inputTokens() > Plant.POLICY_PROMPT_TOKENS));
    long median = DemoRows.percentile(policy, UsageRecord::inputTokens, 0.5) - Plant.POLICY_PROMPT_TOKENS;
    assertTrue(median > 850 && median < 1_150, "variable part median " + median);
  }

  @Test
  void nightlyDigestRunsOnlyBetweenOneAndFourUtcOnTheStandardApi() {
    List<UsageRecord> digest = of(rows(), "nightly-digest");
    assertTrue(digest.size() > 500);
    assertTrue(digest.stream().allMatch(r -> hour(r) >= 1 && hour(r) < 4 && !r.batch()
        && r.model().equals("gpt-5.4-mini")));
  }

  @Test
  void emailDraftsHitTheirCapOnAboutFifteenPercent() {
    List<UsageRecord> drafts = of(rows(), "email-drafts");
    List<UsageRecord> cut = drafts.stream().filter(r -> "length".equals(r.finishReason())).toList();
    assertTrue(cut.stream().allMatch(r -> r.outputTokens() == 1_000 && r.maxTokens() == 1_000));
    double share = (double) cut.size() / drafts.size();
    assertTrue(share > 0.12 && share < 0.18, "truncated share " + share);
  }

  @Test
  void reportWriterRunsAwayOnAboutThreePercentWithoutBeingCut() {
    List<UsageRecord> reports = ok(of(rows(), "report-writer"));
    List<UsageRecord> runaway = reports.stream().filter(r -> r.outputTokens() > Plant.LONGEST_NORMAL_REPORT).toList();
    assertTrue(runaway.stream().allMatch(r -> r.outputTokens() >= 6_000 && r.outputTokens() <= 15_000
        && r.finishReason().equals("stop") && r.maxTokens() == 16_384 && r.reasoningTokens() == 0));
    double share = (double) runaway.size() / reports.size();
    assertTrue(share > 0.02 && share < 0.04, "runaway share " + share);
  }

  @Test
  void faqAnswersRepeatAboutThirtyPercentWithIdenticalTokensAndCost() {
    List<UsageRecord> faq = ok(of(rows(), "faq-answers"));
    Map<String, UsageRecord> first = new LinkedHashMap<>();
    int repeats = 0;
    for (UsageRecord r : faq) {
      UsageRecord earlier = first.putIfAbsent(r.promptHash(), r);
      if (earlier != null) {
        repeats++;
        assertEquals(List.of(earlier.inputTokens(), earlier.cachedInputTokens(), earlier.outputTokens()),
            List.of(r.inputTokens(), r.cachedInputTokens(), r.outputTokens()));
        assertEquals(earlier.costUsd(), r.costUsd());
      }
    }
    double share = (double) repeats / faq.size();
    assertTrue(share > 0.25 && share < 0.35, "repeat share " + share);
  }

  @Test
  void supportChatHasRetryStormsOnAboutEveryThirdDayAndRetriesEachFailureWithTheSamePrompt() {
    List<UsageRecord> chat = of(rows(), "support-chat");
    Map<LocalDate, List<UsageRecord>> failuresByDay = chat.stream().filter(r -> !r.status().equals("ok"))
        .collect(Collectors.groupingBy(DemoRows::day));
    List<LocalDate> stormDays = new ArrayList<>();
    failuresByDay.forEach((day, failures) -> {
      // a storm: at least 10 failures within 30 minutes
      List<Instant> times = failures.stream().map(UsageRecord::ts).sorted().toList();
      for (int i = 0; i + 9 < times.size(); i++) {
        if (Duration.between(times.get(i), times.get(i + 9)).toMinutes() < 30) {
          stormDays.add(day);
          break;
        }
      }
    });
    assertTrue(stormDays.size() >= 12 && stormDays.size() <= 16, "storm days " + stormDays);
    Map<String, List<UsageRecord>> byPrompt = chat.stream().collect(Collectors.groupingBy(UsageRecord::promptHash));
    for (List<UsageRecord> attempts : byPrompt.values()) {
      // time order: every attempt but the last failed; the last succeeded unless all 3 retries were used
      for (int i = 0; i < attempts.size() - 1; i++) {
        assertNotEquals("ok", attempts.get(i).status(), attempts.toString());
      }
      assertTrue(attempts.size() == 4 || attempts.get(attempts.size() - 1).status().equals("ok"), attempts.toString());
    }
    assertTrue(byPrompt.values().stream().filter(a -> a.size() > 1).count() > 100, "failures are retried");
  }

  @Test
  void docSummarizerSpikeDayIsTheOnlyDayFarAboveDaysOfItsKind() {
    for (boolean weekend : new boolean[] {false, true}) {
      Map<LocalDate, Double> daily = DemoRows.dailyCost(rows(), weekend);
      double[] costs = daily.values().stream().mapToDouble(Double::doubleValue).toArray();
      double median = DemoRows.median(costs);
      double robustSd = 1.4826 * DemoRows.median(daily.values().stream().mapToDouble(c -> Math.abs(c - median))
          .toArray());
      List<LocalDate> anomalies = daily.entrySet().stream()
          .filter(e -> e.getValue() >= median + 4 * robustSd && e.getValue() >= 1.5 * median)
          .map(Map.Entry::getKey).toList();
      assertEquals(weekend ? List.of() : List.of(spikeDay()), anomalies, daily.toString());
    }
    assertTrue(spikeDay().isAfter(LAST_DAY.minusDays(30)));
    long spikeRows = of(rows(), "doc-summarizer").stream().filter(r -> day(r).equals(spikeDay())).count();
    assertTrue(spikeRows > 33_600 / 42, "spike day rows " + spikeRows);
  }

  @Test
  void manifestSaysWhatWasGeneratedAndMonthlyIsWindowTimesThirtyOverDays() {
    JsonObject json = demo.manifest().toJson();
    assertEquals(DemoUsageGenerator.VERSION, json.getInteger("generator_version"));
    assertEquals(42L, json.getLong("seed"));
    assertEquals(33_600, json.getInteger("rows"));
    assertEquals(42, json.getInteger("days"));
    assertEquals("2026-02-18", json.getString("first_day"));
    assertEquals("2026-03-31", json.getString("last_day"));
    assertEquals(cost(rows()), json.getDouble("total_cost_usd"), 1e-5);
    assertEquals(cost(rows()) * 30 / 42, json.getDouble("monthly_spend_usd"), 1e-5);
    assertEquals(9, json.getJsonArray("planted").size(), "8 plants; support-chat has two models");
    for (PlantedSaving p : demo.manifest().planted()) {
      assertEquals(p.windowSavingsUsd() * 30 / 42, p.monthlySavingsUsd(), 1e-9, p.id());
      assertTrue(p.windowSavingsUsd() > 0, p.id());
    }
  }

  @Test
  void refusesDaysAndRowsOutOfRangeNamingWhich() {
    DemoUsageGenerator generator = new DemoUsageGenerator();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> generator.generate(1, 0, 100, LAST_DAY, CATALOG))
        .getMessage().contains("days"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> generator.generate(1, 10, 5, LAST_DAY, CATALOG))
        .getMessage().contains("rows"));
  }

  static LocalDate spikeDay() {
    return LocalDate.parse(demo.manifest().planted().stream().filter(p -> p.lever().equals("anomaly_alerts"))
        .findFirst().orElseThrow().detail().split(" ")[2]);
  }
}
