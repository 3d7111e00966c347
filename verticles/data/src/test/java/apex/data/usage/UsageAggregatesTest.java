package apex.data.usage;

import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import apex.data.demo.DemoUsageGenerator;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Aggregates over a hand-made dataset whose figures are computed by hand below: window edges at the
 * first and last millisecond of the window, rows one millisecond outside it, another user's rows on
 * a day inside it, an unpriced model and a failed request.
 */
@ExtendWith(VertxExtension.class)
class UsageAggregatesTest {

  private static final String USER = "u-agg";
  private static final Window MARCH_1_TO_3 = new Window("2025-03-01", "2025-03-03", 3);

  private static UsageDatabase db;
  private static UsageAggregates aggregates;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    db = UsageDatabase.start(vertx);
    aggregates = new UsageAggregates(db.pool());
    UsageWriter writer = new UsageWriter(db.pool());
    writer.write(USER, "test", "csv", List.of(
        row("2025-02-28T23:59:59.999Z", "openai", "gpt-5.4", "support-chat", 9_000, 0, 0, 900, "ok", 100.0),
        row("2025-03-01T00:00:00Z", "openai", "gpt-5.4", "support-chat", 1_000, 200, 0, 100, "ok", 0.5),
        row("2025-03-01T12:00:00Z", "openai", "gpt-5.4", "ticket-classifier", 500, 0, 0, 10, "ok", 0.25),
        row("2025-03-02T08:00:00Z", "anthropic", "claude-sonnet-4-6", "code-review", 4_000, 1_000, 500, 800, "ok", 1.2),
        row("2025-03-03T10:00:00Z", "openai", "gpt-5.4", "ticket-classifier", 400, 0, 0, 0, "error", 0.001),
        row("2025-03-03T11:00:00Z", "acme-ai", "mystery-1", null, 100, 0, 0, 50, "ok", null),
        row("2025-03-03T23:59:59.999Z", "anthropic", "claude-sonnet-4-6", "support-chat", 2_000, 0, 0, 300, "ok", 0.75),
        row("2025-03-04T00:00:00Z", "openai", "gpt-5.4", "support-chat", 9_000, 0, 0, 900, "ok", 100.0))).await();
    writer.write("u-other", "test", "csv", List.of(
        row("2025-03-02T09:00:00Z", "openai", "gpt-5.4", "support-chat", 9_000, 0, 0, 900, "ok", 50.0))).await();
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  @Test
  void totalsCountOnlyTheUsersRowsInsideTheInclusiveWindow(VertxTestContext ctx) {
    aggregates.totals(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(totals -> ctx.verify(() -> {
      assertEquals(new Totals(6, 8_000, 1_200, 500, 1_260, 0, 1, 2.701), totals);
      ctx.completeNow();
    })));
  }

  @Test
  void spendByModelIsMostExpensiveFirstAndKeepsUnpricedRowsAtZeroCost(VertxTestContext ctx) {
    aggregates.spendByModel(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(models -> ctx.verify(() -> {
      assertEquals(List.of(
          new ModelSpend("anthropic", "claude-sonnet-4-6", 2, 6_000, 1_000, 1_100, 1.95),
          new ModelSpend("openai", "gpt-5.4", 3, 1_900, 200, 110, 0.751),
          new ModelSpend("acme-ai", "mystery-1", 1, 100, 0, 50, 0.0)), models);
      ctx.completeNow();
    })));
  }

  @Test
  void spendByFeatureTagsMissingFeaturesAsUntagged(VertxTestContext ctx) {
    aggregates.spendByFeature(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(features -> ctx.verify(() -> {
      assertEquals(List.of(
          new FeatureSpend("support-chat", 2, 1.25),
          new FeatureSpend("code-review", 1, 1.2),
          new FeatureSpend("ticket-classifier", 2, 0.251),
          new FeatureSpend("untagged", 1, 0.0)), features);
      ctx.completeNow();
    })));
  }

  @Test
  void spendByFeatureModelAveragesOutputOverSuccessfulRequestsOnly(VertxTestContext ctx) {
    aggregates.spendByFeatureModel(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
      assertEquals(List.of(
          new FeatureModelSpend("code-review", "anthropic", "claude-sonnet-4-6", 1, 4_000, 800, 800.0, 1.2),
          new FeatureModelSpend("support-chat", "anthropic", "claude-sonnet-4-6", 1, 2_000, 300, 300.0, 0.75),
          new FeatureModelSpend("support-chat", "openai", "gpt-5.4", 1, 1_000, 100, 100.0, 0.5),
          new FeatureModelSpend("ticket-classifier", "openai", "gpt-5.4", 2, 900, 10, 10.0, 0.251),
          new FeatureModelSpend("untagged", "acme-ai", "mystery-1", 1, 100, 50, 50.0, 0.0)), rows);
      ctx.completeNow();
    })));
  }

  @Test
  void spendByDayBucketsByUtcDayAscending(VertxTestContext ctx) {
    aggregates.spendByDay(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(days -> ctx.verify(() -> {
      assertEquals(List.of(
          new DaySpend("2025-03-01", 2, 0.75),
          new DaySpend("2025-03-02", 1, 1.2),
          new DaySpend("2025-03-03", 3, 0.751)), days);
      ctx.completeNow();
    })));
  }

  @Test
  void dataResultCombinesEveryAggregateAndListsUnpricedModels(VertxTestContext ctx) {
    aggregates.dataResult(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertEquals(MARCH_1_TO_3, result.window());
      assertEquals(6, result.totals().requests());
      assertEquals(3, result.byModel().size());
      assertEquals(4, result.byFeature().size());
      assertEquals(5, result.byFeatureModel().size());
      assertEquals(3, result.byDay().size());
      assertEquals(List.of("mystery-1"), result.unpricedModels());
      ctx.completeNow();
    })));
  }

  @Test
  void coverageCountsRowsAndDistinctDaysOfTheUserOnly(VertxTestContext ctx) {
    Window march2 = new Window("2025-03-02", "2025-03-02", 1);
    aggregates.coverage(USER, MARCH_1_TO_3)
        .compose(whole -> aggregates.coverage(USER, march2).map(oneDay -> List.of(whole, oneDay)))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          assertEquals(new Coverage(USER, MARCH_1_TO_3, 6, 3, "2025-03-01", "2025-03-03", List.of()), both.get(0));
          assertEquals(new Coverage(USER, march2, 1, 1, "2025-03-02", "2025-03-02", List.of()), both.get(1));
          ctx.completeNow();
        })));
  }

  @Test
  void emptyWindowGivesZeroTotalsAndCoverageWithoutDates(VertxTestContext ctx) {
    Window april = new Window("2025-04-01", "2025-04-30", 30);
    aggregates.dataResult(USER, april)
        .compose(result -> aggregates.coverage(USER, april).map(coverage -> {
          ctx.verify(() -> {
            assertEquals(new Totals(0, 0, 0, 0, 0, 0, 0, 0.0), result.totals());
            assertEquals(List.of(), result.byModel());
            assertEquals(List.of(), result.byDay());
            assertEquals(List.of(), result.unpricedModels());
            assertEquals(new Coverage(USER, april, 0, 0, null, null, List.of()), coverage);
          });
          return coverage;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void rejectsAWindowThatIsNotIsoDates(VertxTestContext ctx) {
    aggregates.totals(USER, new Window("March 1", "2025-03-03", 3)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertInstanceOf(IllegalArgumentException.class, err);
      ctx.completeNow();
    })));
  }

  @Test
  void aggregatesOfTheStoredDemoMatchTheGeneratedRows(VertxTestContext ctx) {
    List<UsageRecord> demo = new DemoUsageGenerator().generate(42, 42, 42 * 150, LocalDate.parse("2025-06-30"),
        PricingCatalog.load(LocalDate.parse("2025-06-30"))).records();
    Window window = new Window("2025-05-20", "2025-06-30", 42);
    // The table keeps 6 decimals per row; sum what it stores.
    double cost = demo.stream().mapToDouble(r -> BigDecimal.valueOf(r.costUsd()).setScale(6, RoundingMode.HALF_UP)
        .doubleValue()).sum();
    new UsageWriter(db.pool()).write("u-demo", "demo", "demo", demo)
        .compose(upload -> aggregates.dataResult("u-demo", window))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertEquals(demo.size(), result.totals().requests());
          assertEquals(demo.stream().mapToLong(UsageRecord::outputTokens).sum(), result.totals().outputTokens());
          assertEquals(cost, result.totals().costUsd(), 1e-6);
          assertEquals(42, result.byDay().size());
          assertEquals(5, result.byModel().size());
          assertEquals(result.totals().costUsd(), result.byFeature().stream().mapToDouble(FeatureSpend::costUsd).sum(),
              1e-5);
          assertEquals(List.of(), result.unpricedModels());
          ctx.completeNow();
        })));
  }

  static UsageRecord row(String ts, String provider, String model, String feature, long input, long cached,
                         long cacheWrite, long output, String status, Double cost) {
    return new UsageRecord(Instant.parse(ts), provider, model, feature, null, input, cached, cacheWrite, output, 0,
        null, status, null, null, null, false, cost, null);
  }
}
