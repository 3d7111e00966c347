package apex.report;

import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult.ActionStep;
import apex.contracts.stage.ReportResult.ChartPoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static apex.report.Usage.recommendation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankingAndForecastTest {

  @Test
  void ranksBySavingsThenConfidenceThenEffortThenId() {
    Recommendation lowConfidence = recommendation("b", "retry_waste", 10, "low", "low", List.of());
    Recommendation highEffort = recommendation("c", "batch_api", 10, "high", "high", List.of());
    Recommendation sureAndEasyD = recommendation("d", "output_caps", 10, "high", "low", List.of());
    Recommendation largest = recommendation("z", "prompt_caching", 50, "low", "high", List.of());
    Recommendation sureAndEasyA = recommendation("a", "output_caps", 10, "high", "low", List.of());
    assertEquals(List.of(largest, sureAndEasyA, sureAndEasyD, highEffort, lowConfidence),
        Ranking.rank(List.of(lowConfidence, highEffort, sureAndEasyD, largest, sureAndEasyA)));
  }

  @Test
  void actionPlanSchedulesLowThisWeekMediumThisMonthHighThisQuarterInRankOrder() {
    List<Recommendation> ranked = List.of(
        recommendation("r1", "model_right_sizing", 40, "high", "medium", List.of("m1", "m2")),
        recommendation("r2", "retry_waste", 30, "high", "low", List.of("l1")),
        recommendation("r3", "provider_alternatives", 20, "medium", "high", List.of()),
        recommendation("r4", "output_caps", 10, "medium", "low", List.of("l2", "l3")));
    assertEquals(List.of(
        new ActionStep("this week", "r2", "Title r2: l1"),
        new ActionStep("this week", "r4", "Title r4: l2"),
        new ActionStep("this month", "r1", "Title r1: m1"),
        new ActionStep("this quarter", "r3", "Title r3")), ActionPlan.of(ranked));
  }

  @Test
  void forecastPointsGiveEachRemainingDayOfTheMonthTheRunRate() {
    List<ChartPoint> points = ForecastFacts.points(Usage.FORECAST);
    // 2026-11-22 + 8 days left: the 23rd to the 30th, each at $12.345 rounded half-up to cents.
    assertEquals(IntStream.rangeClosed(23, 30).mapToObj(d -> new ChartPoint("2026-11-" + d, 12.35)).toList(), points);
    // Month-to-date plus the unrounded points is the month-end figure: 204 + 8 × 12.345 = 302.76.
    assertEquals(302.76, 204.00 + 8 * Usage.FORECAST.dailyRunRateUsd(), 1e-9);
  }

  @Test
  void forecastPointsNeverRunPastTheMonthEnd() {
    Forecast tooManyDays = new Forecast("2026-02", "2026-02-26", 100, 5, 0, 5, 125);
    assertEquals(List.of(new ChartPoint("2026-02-27", 5.0), new ChartPoint("2026-02-28", 5.0)),
        ForecastFacts.points(tooManyDays));
  }

  @Test
  void aForecastWithoutAnIsoAsOfDayHasNoPointsAndTheMethodSaysWhy() {
    Forecast bad = new Forecast("2026-11", "yesterday", 100, 5, 0, 8, 140);
    assertEquals(List.of(), ForecastFacts.points(bad));
    assertTrue(ForecastFacts.method(bad).contains("the as-of day 'yesterday' is not an ISO date"),
        ForecastFacts.method(bad));
  }

  @Test
  void forecastMethodSaysExactlyHowThePointsWereDrawn() {
    assertEquals("Month-end forecast for 2026-11: month-to-date $204.00 through 2026-11-22 + daily run rate $12.35 "
        + "(mean cost of the last 7 days with data, anomaly days left out) × 8 days left = $302.76. The forecast "
        + "chart gives each of the 8 remaining days (2026-11-23 to 2026-11-30) the run rate, $12.35, flat: the "
        + "least-squares trend of daily cost (rising by $0.40 a day) is reported, not applied. See docs/ANALYSIS.md "
        + "(spend_forecast).", ForecastFacts.method(Usage.FORECAST));
  }
}
