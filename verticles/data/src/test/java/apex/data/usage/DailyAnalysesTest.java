package apex.data.usage;

import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.Window;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Anomalies and the forecast over hand-made daily spend (one row per feature and day, at noon UTC).
 *
 * <p>May 2025 ("u-daily"): the 20 weekdays of May 1–28 cost 9, 10, 11, 9, 10, 11 … ($219 with the
 * spike); May 27, a Tuesday, also carries a $20 "backfill" (29 that day). The 8 weekend days cost
 * 24, 25, 26, 25, 24, 25, 26, 25 ($200) on a "games" feature: normal for weekends, though far above
 * the weekday median. A $100 row on April 30 and one on May 29 lie outside the month-to-date.
 * Weekdays: sorted 9×6, 10×7, 11×6, 29 → median 10; deviations 0×7, 1×12, 19 → MAD 1, robust sd
 * 1.4826; May 27 exceeds by 19 ≥ 4 × 1.4826 and ≥ 50 % of 10 → score 19 / 1.4826 = 12.82. The api
 * feature's weekday median is 10 (it cost 9 on May 27), backfill's is 0 → backfill grew most, by 20.
 * Weekends: median 25, MAD 0.5 → nothing beyond 4 × 0.7413.
 */
@ExtendWith(VertxExtension.class)
class DailyAnalysesTest {

  private static final DayAnomaly MAY_27 = new DayAnomaly("2025-05-27", 29.0, 10.0, 19.0, 12.82, "backfill", 20.0);

  private static UsageDatabase db;
  private static DailyAnalyses daily;

  @BeforeAll
  static void setUp(Vertx vertx) {
    db = UsageDatabase.start(vertx);
    daily = new DailyAnalyses(db.pool());
    List<UsageRecord> may = new ArrayList<>();
    int weekday = 0;
    double[] weekendCosts = {24, 25, 26, 25, 24, 25, 26, 25};
    int weekend = 0;
    for (LocalDate day = LocalDate.parse("2025-05-01"); day.isBefore(LocalDate.parse("2025-05-29"));
         day = day.plusDays(1)) {
      if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
        may.add(spend(day.toString(), "games", weekendCosts[weekend++]));
      } else {
        may.add(spend(day.toString(), "api", 9 + weekday++ % 3));
      }
    }
    may.add(spend("2025-05-27", "backfill", 20));
    may.add(spend("2025-04-30", "api", 100));
    may.add(spend("2025-05-29", "api", 100));
    UsageWriter writer = db.writer();
    writer.write("u-daily", "test", "csv", may).await();

    // June 2025 ("u-flat"): ten weekdays at $10, June 11 at $20. MAD = 0, so the robust sd falls
    // back to 1.253314 × mean absolute deviation (10 / 10 = 1): score 10 / 1.253314 = 7.98.
    List<UsageRecord> flat = new ArrayList<>();
    for (String day : List.of("02", "03", "04", "05", "06", "09", "10", "11", "12", "13")) {
      flat.add(spend("2025-06-" + day, "chat", day.equals("11") ? 20 : 10));
    }
    writer.write("u-flat", "test", "csv", flat).await();

    // June 1, 2 and 4 ("u-trend") at $1, $2, $4: x = 0, 1, 3 (day numbers, the gap counts), mean 4/3;
    // y mean 7/3; Σ dx·dy = 16/9 + 1/9 + 25/9 = 42/9 = Σ dx² → slope 1.0 a day.
    writer.write("u-trend", "test", "csv", List.of(spend("2025-06-01", "chat", 1), spend("2025-06-02", "chat", 2),
        spend("2025-06-04", "chat", 4))).await();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static UsageRecord spend(String day, String feature, double cost) {
    return TestRow.at(day + "T12:00:00Z").feature(feature).tokens(100, 10).cost(cost).record();
  }

  @Test
  void aPlantedWeekdaySpikeIsFoundWithItsFeatureAndNormalWeekendsAreNot(VertxTestContext ctx) {
    daily.anomalies("u-daily", new Window("2025-05-01", "2025-05-28", 28))
        .onComplete(ctx.succeeding(anomalies -> ctx.verify(() -> {
          assertEquals(List.of(MAY_27), anomalies);
          ctx.completeNow();
        })));
  }

  @Test
  void aKindWithFewerThanSevenDaysIsNotJudged(VertxTestContext ctx) {
    // May 22–28: 5 weekdays (the spike among them) and 2 weekend days.
    daily.anomalies("u-daily", new Window("2025-05-22", "2025-05-28", 7))
        .onComplete(ctx.succeeding(anomalies -> ctx.verify(() -> {
          assertEquals(List.of(), anomalies);
          ctx.completeNow();
        })));
  }

  @Test
  void flatDaysStillScoreASpikeThroughTheMeanAbsoluteDeviation(VertxTestContext ctx) {
    daily.anomalies("u-flat", new Window("2025-06-01", "2025-06-15", 15))
        .onComplete(ctx.succeeding(anomalies -> ctx.verify(() -> {
          assertEquals(List.of(new DayAnomaly("2025-06-11", 20.0, 10.0, 10.0, 7.98, "chat", 10.0)), anomalies);
          ctx.completeNow();
        })));
  }

  @Test
  void forecastAddsTheRunRateWithoutAnomalyDaysToTheWholeMonthToDate(VertxTestContext ctx) {
    // Window May 15–28 (the spike is an anomaly there too: 10 weekdays, median 10, MAD 1). Month to
    // date is all of May 1–28: 219 + 200 = 419. The last 7 days with data leaving out May 27: 28 (10),
    // 26 (11), 25 (25), 24 (26), 23 (10), 22 (9), 21 (11) = 102 → 14.571429 a day; 3 days left →
    // 419 + 102 / 7 × 3 = 462.714286.
    Window window = new Window("2025-05-15", "2025-05-28", 14);
    daily.anomalies("u-daily", window)
        .compose(anomalies -> daily.forecast("u-daily", window, anomalies).map(forecast -> {
          ctx.verify(() -> {
            assertEquals(List.of(MAY_27), anomalies);
            assertEquals("2025-05", forecast.month());
            assertEquals("2025-05-28", forecast.asOf());
            assertEquals(419.0, forecast.monthToDateUsd());
            assertEquals(14.571429, forecast.dailyRunRateUsd());
            assertEquals(3, forecast.daysLeft());
            assertEquals(462.714286, forecast.monthEndUsd());
          });
          return forecast;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void forecastTrendIsTheLeastSquaresSlopeOverDaysWithData(VertxTestContext ctx) {
    // Month to date 7, run rate 7 / 3 (only three days), 26 days left → 7 + 7 / 3 × 26 = 67.666667.
    daily.forecast("u-trend", new Window("2025-06-01", "2025-06-04", 4), List.of())
        .onComplete(ctx.succeeding(forecast -> ctx.verify(() -> {
          assertEquals(new Forecast("2025-06", "2025-06-04", 7.0, 2.333333, 1.0, 26, 67.666667), forecast);
          ctx.completeNow();
        })));
  }

  @Test
  void noForecastForAWindowWithoutRows(VertxTestContext ctx) {
    daily.forecast("u-trend", new Window("2025-07-01", "2025-07-31", 31), List.of())
        .onComplete(ctx.succeeding(forecast -> ctx.verify(() -> {
          assertNull(forecast);
          ctx.completeNow();
        })));
  }
}
