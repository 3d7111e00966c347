package apex.node.bench;

import apex.runtime.TestServices;
import apex.runtime.config.ApexConfig;
import apex.runtime.storage.Postgres;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On generated usage, the analysis finds every planted inefficiency within ±10 % of its true savings
 * and reports nothing unplanted above 2 % of spend — through the same SQL, cache and optimizer a run
 * uses. More seeds and sizes: {@code scripts/apex bench accuracy} (docs/BENCHMARKS.md).
 */
class SavingsAccuracyTest {
  private static Vertx vertx;
  private static Pool pool;
  private static SavingsAccuracy accuracy;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    ApexConfig config = TestServices.config();
    Postgres.migrate(vertx, config, "usage").await();
    pool = Postgres.pool(vertx, config);
    accuracy = new SavingsAccuracy(vertx, pool, Postgres.jdbc(config), RedisStore.api(vertx, config));
  }

  @AfterAll
  static void tearDown() {
    pool.close().await();
    vertx.close().await();
  }

  @ParameterizedTest
  @CsvSource({"7, 30, 12000, 2026-10-31", "23, 42, 33600, 2026-11-22"})
  void everyPlantedSavingIsFoundWithinTenPercentAndNothingElseMatters(long seed, int days, int rows, String last) {
    SavingsAccuracy.Outcome outcome = accuracy.measure(new SavingsAccuracy.Case(seed, days, rows),
        LocalDate.parse(last)).await();
    outcome.findings().forEach(f -> System.out.printf(Locale.US, "%s %-18s %-26s truth %9.2f found %9.2f %+6.1f%%%n",
        outcome.dataSet(), f.planted().lever(), f.planted().feature() + "/" + f.planted().model(),
        f.planted().monthlySavingsUsd(), f.foundUsd(), 100 * f.error()));
    outcome.findings().forEach(f -> assertTrue(f.ok(), () -> f.planted().id() + ": truth "
        + f.planted().monthlySavingsUsd() + ", found " + f.foundUsd() + " (" + f.recommendationId() + ")"));
    assertEquals(java.util.List.of(), outcome.unplanted().stream().map(r -> r.id() + " $" + r.monthlySavingsUsd())
        .toList(), "recommendations above 2 % of spend that were not planted");
  }
}
