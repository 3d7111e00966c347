package apex.data.usage;

import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.ProviderSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
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
    UsageWriter writer = db.writer();
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
  void spendByProviderSumsEveryModelOfTheProvider(VertxTestContext ctx) {
    aggregates.spendByProvider(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(providers -> ctx.verify(() -> {
      assertEquals(List.of(
          new ProviderSpend("anthropic", 2, 1.95),
          new ProviderSpend("openai", 3, 0.751),
          new ProviderSpend("acme-ai", 1, 0.0)), providers);
      ctx.completeNow();
    })));
  }

  @Test
  void unpricedModelsListModelsWithRowsWithoutACost(VertxTestContext ctx) {
    aggregates.unpricedModels(USER, MARCH_1_TO_3).onComplete(ctx.succeeding(models -> ctx.verify(() -> {
      assertEquals(List.of("mystery-1"), models);
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
    aggregates.totals(USER, april)
        .compose(totals -> aggregates.coverage(USER, april).map(coverage -> {
          ctx.verify(() -> {
            assertEquals(new Totals(0, 0, 0, 0, 0, 0, 0, 0.0), totals);
            assertEquals(new Coverage(USER, april, 0, 0, null, null, List.of()), coverage);
          });
          return coverage;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void missingFieldsAreTheWatchedFieldsAnUploadWithRowsInTheWindowDidNotCarry(VertxTestContext ctx) {
    // Three uploads of one user: "early" (Jan 10) lacks output_tokens, "partial" (Jan 20) carries
    // input and output but no cached_input_tokens, "old" (Jan 21) was stored before uploads recorded
    // their fields (NULL: counts as carrying everything).
    String user = "u-missing-fields";
    UsageWriter writer = db.writer();
    String setFields = "UPDATE usage.uploads SET fields = $2 WHERE id = $1";
    Window jan15to31 = new Window("2025-01-15", "2025-01-31", 17);
    Window jan21 = new Window("2025-01-21", "2025-01-21", 1);
    Window jan1to31 = new Window("2025-01-01", "2025-01-31", 31);
    writer.write(user, "early", "csv", List.of(TestRow.at("2025-01-10T12:00:00Z").record()))
        .compose(early -> db.pool().preparedQuery(setFields)
            .execute(Tuple.tuple().addString(early.uploadId())
                .addArrayOfString(new String[] {"input_tokens", "cached_input_tokens"})))
        .compose(v -> writer.write(user, "partial", "csv", List.of(TestRow.at("2025-01-20T12:00:00Z").record())))
        .compose(partial -> db.pool().preparedQuery(setFields)
            .execute(Tuple.tuple().addString(partial.uploadId())
                .addArrayOfString(new String[] {"input_tokens", "output_tokens", "latency_ms"})))
        .compose(v -> writer.write(user, "old", "csv", List.of(TestRow.at("2025-01-21T12:00:00Z").record())))
        .compose(v -> Future.all(aggregates.coverage(user, jan15to31), aggregates.coverage(user, jan21),
            aggregates.coverage(user, jan1to31), aggregates.quality(user, jan15to31)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(List.of("cached_input_tokens"), all.<Coverage>resultAt(0).missingFields());
          assertEquals(List.of(), all.<Coverage>resultAt(1).missingFields());
          assertEquals(List.of("output_tokens", "cached_input_tokens"), all.<Coverage>resultAt(2).missingFields());
          assertEquals(List.of("cached_input_tokens"), all.<DataResult.Quality>resultAt(3).missingFields());
          ctx.completeNow();
        })));
  }

  @Test
  void rejectsAWindowThatIsNotIsoDates(VertxTestContext ctx) {
    aggregates.totals(USER, new Window("March 1", "2025-03-03", 3)).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertInstanceOf(IllegalArgumentException.class, err);
      ctx.completeNow();
    })));
  }

  static UsageRecord row(String ts, String provider, String model, String feature, long input, long cached,
                         long cacheWrite, long output, String status, Double cost) {
    return new UsageRecord(Instant.parse(ts), provider, model, feature, null, input, cached, cacheWrite, output, 0,
        null, status, null, null, null, false, cost, null);
  }
}
