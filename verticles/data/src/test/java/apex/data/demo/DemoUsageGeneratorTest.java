package apex.data.demo;

import apex.data.usage.CostFunction;
import apex.data.usage.UsageRecord;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoUsageGeneratorTest {

  private static final LocalDate LAST_DAY = LocalDate.parse("2025-06-30");

  private static final CostFunction LIST_PRICES = ListPrices.COST;

  private final DemoUsageGenerator generator = new DemoUsageGenerator();

  @Test
  void sameSeedGivesTheSameRowsAndAnotherSeedDoesNot() {
    List<UsageRecord> first = generator.generate(7, 14, 100, LAST_DAY, LIST_PRICES);
    assertEquals(first, generator.generate(7, 14, 100, LAST_DAY, LIST_PRICES));
    assertNotEquals(first, generator.generate(8, 14, 100, LAST_DAY, LIST_PRICES));
  }

  @Test
  void rowsCoverEveryRequestedUtcDayAndNothingOutsideInTimeOrder() {
    List<UsageRecord> rows = generator.generate(1, 10, 50, LAST_DAY, LIST_PRICES);
    Instant from = LAST_DAY.minusDays(9).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant toExclusive = LAST_DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    assertTrue(rows.stream().allMatch(r -> !r.ts().isBefore(from) && r.ts().isBefore(toExclusive)));
    assertEquals(10, rows.stream().map(r -> day(r)).distinct().count());
    for (int i = 1; i < rows.size(); i++) {
      assertTrue(!rows.get(i).ts().isBefore(rows.get(i - 1).ts()), "rows sorted by ts");
    }
  }

  @Test
  void usesTheCatalogModelsAndRunsTheClassifierOnAFrontierModelForShortLabels() {
    List<UsageRecord> rows = generator.generate(42, 42, 150, LAST_DAY, LIST_PRICES);
    assertEquals(Set.of("gpt-5.4", "gpt-5.4-mini", "claude-sonnet-4-6", "claude-haiku-4-5", "gemini-2.5-pro",
        "gemini-2.5-flash"), rows.stream().map(UsageRecord::model).collect(Collectors.toSet()));
    assertEquals(Set.of("support-chat", "ticket-classifier", "doc-summarizer", "code-review", "search-rerank",
        "email-drafts"), rows.stream().map(UsageRecord::feature).collect(Collectors.toSet()));
    List<UsageRecord> classifier = rows.stream()
        .filter(r -> r.feature().equals("ticket-classifier") && r.status().equals("ok")).toList();
    assertTrue(classifier.stream().allMatch(r -> r.model().equals("gpt-5.4")));
    assertTrue(classifier.stream().allMatch(r -> r.outputTokens() >= 5 && r.outputTokens() <= 40));
  }

  @Test
  void rowsKeepTheTokenConventionTheTableEnforces() {
    for (UsageRecord r : generator.generate(3, 42, 150, LAST_DAY, LIST_PRICES)) {
      assertTrue(r.cachedInputTokens() + r.cacheWriteTokens() <= r.inputTokens(), r.toString());
      assertTrue(r.reasoningTokens() <= r.outputTokens(), r.toString());
      assertTrue(r.outputTokens() <= r.maxTokens(), r.toString());
      assertTrue(Set.of("ok", "error", "timeout", "rate_limited").contains(r.status()), r.toString());
    }
  }

  @Test
  void weekdaysAndOfficeHoursCarryMoreTrafficAndOneDayBursts() {
    List<UsageRecord> rows = generator.generate(42, 42, 150, LAST_DAY, LIST_PRICES);
    Map<LocalDate, Long> perDay = rows.stream().collect(Collectors.groupingBy(DemoUsageGeneratorTest::day,
        Collectors.counting()));
    double weekend = perDay.entrySet().stream().filter(e -> isWeekend(e.getKey()))
        .mapToLong(Map.Entry::getValue).average().orElseThrow();
    double weekday = perDay.entrySet().stream().filter(e -> !isWeekend(e.getKey()))
        .mapToLong(Map.Entry::getValue).average().orElseThrow();
    assertTrue(weekday > 2 * weekend, "weekday " + weekday + " vs weekend " + weekend);
    assertEquals(1, perDay.values().stream().filter(n -> n > 1.8 * weekday).count(), perDay.toString());

    long office = rows.stream().filter(r -> hour(r) >= 9 && hour(r) < 17).count();
    long night = rows.stream().filter(r -> hour(r) < 6).count();
    assertTrue(office > 5 * night, "office " + office + " vs night " + night);
  }

  @Test
  void defaultDemoCostsAFewHundredDollarsPerMonthAtListPrices() {
    // 150 rows a day of realistically sized requests; ~1,000 rows a day gives a few thousand a month.
    double month = generator.generate(42, 30, 150, LAST_DAY, LIST_PRICES).stream()
        .mapToDouble(UsageRecord::costUsd).sum();
    assertTrue(month > 200 && month < 500, "30 days cost " + month);
  }

  @Test
  void leavesCostNullWhenThePriceIsUnknown() {
    List<UsageRecord> rows = generator.generate(5, 3, 20, LAST_DAY, (p, m, in, c, w, out) -> null);
    rows.stream().filter(r -> !r.status().equals("rate_limited")).forEach(r -> assertNull(r.costUsd()));
  }

  private static LocalDate day(UsageRecord r) {
    return r.ts().atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private static int hour(UsageRecord r) {
    return r.ts().atOffset(ZoneOffset.UTC).getHour();
  }

  private static boolean isWeekend(LocalDate day) {
    return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
  }
}
