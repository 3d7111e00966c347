package apex.data.usage;

import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.Window;
import apex.contracts.usage.UploadSummary;
import apex.data.demo.DemoUsageGenerator;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollups an upload writes as it is stored, the ones {@link RollupBackfill} writes for an upload
 * stored before rollups existed, and what deleting an upload leaves behind.
 */
@ExtendWith(VertxExtension.class)
class RollupsTest {
  private static final LocalDate LAST_DAY = LocalDate.parse("2025-06-30");
  private static final Window JUNE = new Window("2025-06-01", "2025-06-30", 30);

  private static UsageDatabase db;
  private static UsageWriter writer;

  @BeforeAll
  static void setUp(Vertx vertx) {
    db = UsageDatabase.start(vertx);
    writer = db.writer();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @Test
  void aBackfilledUploadAnswersEveryAnalysisAsAStoredOneDoes() {
    List<UsageRecord> records = new DemoUsageGenerator()
        .generate(5, 30, 6_000, LAST_DAY, PricingCatalog.load(LAST_DAY)).records();
    writer.write("u-rollups-stored", "demo", "demo", records).await();
    String legacy = writer.write("u-rollups-legacy", "demo", "demo", records).await().uploadId();
    // What an upload stored before V5 looks like: its calls, and no rollups.
    for (String table : List.of("usage_hourly", "usage_histograms", "prompt_repeats")) {
      db.pool().preparedQuery("DELETE FROM usage." + table + " WHERE upload_id = $1").execute(Tuple.of(legacy)).await();
    }
    db.pool().preparedQuery("UPDATE usage.uploads SET rolled_up = false, first_ts = NULL, last_ts = NULL, cost_usd = 0,"
        + " unpriced = '{}' WHERE id = $1").execute(Tuple.of(legacy)).await();
    assertEquals(0L, analyses("u-rollups-legacy").get(0));

    assertTrue(db.backfill().run().await() >= 1);

    assertEquals(analyses("u-rollups-stored"), analyses("u-rollups-legacy"));
    UploadSummary stored = new UploadStore(db.pool()).list("u-rollups-stored").await().get(0);
    UploadSummary backfilled = new UploadStore(db.pool()).list("u-rollups-legacy").await().get(0);
    assertEquals(List.of(stored.firstTs(), stored.lastTs(), stored.costUsd(), stored.unpricedModels()),
        List.of(backfilled.firstTs(), backfilled.lastTs(), backfilled.costUsd(), backfilled.unpricedModels()));
    assertEquals(0, db.backfill().run().await(), "nothing is rolled up twice");
  }

  @Test
  void aPromptRepeatedInALaterUploadCountsAndGoesWithItsUpload() {
    String user = "u-rollups-repeats";
    CallAnalyses calls = new CallAnalyses(db.pool());
    String first = writer.write(user, "may.csv", "csv", List.of(
        TestRow.at("2025-06-01T10:00:00Z").hash("h1").cost(0.10).record(),
        TestRow.at("2025-06-01T11:00:00Z").hash("h2").cost(0.20).record())).await().uploadId();
    assertEquals(List.of(new DuplicateUse("chat", "openai", "gpt-5.4", 2, 2, 0, 0.0, 0.3)),
        calls.duplicates(user, JUNE).await());

    writer.write(user, "june.csv", "csv", List.of(
        TestRow.at("2025-06-02T10:00:00Z").hash("h1").cost(0.05).record(),
        TestRow.at("2025-06-02T10:30:00Z").hash("h3").cost(0.01).record())).await();
    assertEquals(List.of(new DuplicateUse("chat", "openai", "gpt-5.4", 4, 3, 1, 0.05, 0.36)),
        calls.duplicates(user, JUNE).await(), "h1 of the second upload repeats the first upload's h1");

    new UploadStore(db.pool()).delete(user, first).await();
    assertEquals(List.of(new DuplicateUse("chat", "openai", "gpt-5.4", 2, 2, 0, 0.0, 0.06)),
        calls.duplicates(user, JUNE).await());
    for (String table : List.of("usage_records", "usage_hourly", "usage_histograms", "prompt_repeats")) {
      assertEquals(0L, db.pool().preparedQuery("SELECT count(*) FROM usage." + table + " WHERE upload_id = $1")
          .execute(Tuple.of(first)).await().iterator().next().getLong(0), table + " keeps nothing of the deleted upload");
    }
    assertFalse(new UsageAggregates(db.pool()).unpricedModels(user, JUNE).await().contains("gpt-5.4"));
  }

  /** Every analysis of June for {@code user}, in one list (the first entry: the row count). */
  private static List<Object> analyses(String user) {
    UsageAggregates spend = new UsageAggregates(db.pool());
    CallAnalyses calls = new CallAnalyses(db.pool());
    DailyAnalyses daily = new DailyAnalyses(db.pool());
    List<Future<?>> all = List.of(spend.coverage(user, JUNE).map(c -> c.rows()), spend.totals(user, JUNE),
        spend.spendByModel(user, JUNE), spend.spendByFeature(user, JUNE), spend.spendByProvider(user, JUNE),
        spend.spendByFeatureModel(user, JUNE), spend.spendByDay(user, JUNE), spend.quality(user, JUNE),
        spend.unpricedModels(user, JUNE), calls.cacheUse(user, JUNE), calls.failures(user, JUNE),
        calls.outputUse(user, JUNE), calls.duplicates(user, JUNE), calls.latency(user, JUNE),
        calls.batchUse(user, JUNE), daily.anomalies(user, JUNE).compose(found -> daily.forecast(user, JUNE, found)
            .map(forecast -> List.of(found, forecast == null ? "none" : forecast))));
    return all.stream().<Object>map(f -> f.await()).toList();
  }
}
