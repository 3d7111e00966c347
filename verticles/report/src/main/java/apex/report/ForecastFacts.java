package apex.report;

import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.ReportResult.ChartPoint;
import apex.runtime.pricing.Usd;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the report says about the data stage's month-end forecast. The chart continues the daily
 * cost flat at the run rate: the forecast's total is month-to-date + run rate × days left, and the
 * points must add up to it, so the trend is reported but not drawn.
 */
final class ForecastFacts {
  private ForecastFacts() {}

  /** The days after {@code asOf}, up to {@code daysLeft} and never past the month's end, each at the run rate. */
  static List<ChartPoint> points(Forecast forecast) {
    LocalDate asOf = asOf(forecast);
    if (asOf == null) {
      return List.of();
    }
    LocalDate monthEnd = YearMonth.from(asOf).atEndOfMonth();
    List<ChartPoint> points = new ArrayList<>();
    for (int i = 1; i <= forecast.daysLeft() && !asOf.plusDays(i).isAfter(monthEnd); i++) {
      points.add(new ChartPoint(asOf.plusDays(i).toString(), Usd.cents(forecast.dailyRunRateUsd())));
    }
    return points;
  }

  /** The parsed as-of day, or null when the data stage sent something that is not an ISO date. */
  static LocalDate asOf(Forecast forecast) {
    try {
      return forecast == null ? null : LocalDate.parse(forecast.asOf());
    } catch (DateTimeParseException | NullPointerException e) {
      return null;
    }
  }

  /** e.g. "At the recent run rate of $12.00 a day, 2026-11 ends at about $300.00 ($204.00 spent through 2026-11-22)." */
  static String sentence(Forecast forecast) {
    return String.format(Locale.US, "At the recent run rate of %s a day, %s ends at about %s (%s spent through %s).",
        Usd.format(forecast.dailyRunRateUsd()), forecast.month(), Usd.format(forecast.monthEndUsd()),
        Usd.format(forecast.monthToDateUsd()), forecast.asOf());
  }

  /** The trend in words: "rising by $0.40 a day", "falling by …", or "flat". */
  static String trend(Forecast forecast) {
    double slope = Usd.cents(forecast.trendUsdPerDay());
    return slope == 0 ? "flat" : (slope > 0 ? "rising by " : "falling by ") + Usd.format(Math.abs(slope)) + " a day";
  }

  static String method(Forecast forecast) {
    List<ChartPoint> points = points(forecast);
    String chart = points.isEmpty() ? "No forecast points are charted (the as-of day '" + forecast.asOf()
        + "' is not an ISO date)."
        : String.format(Locale.US, "The forecast chart gives each of the %d remaining days (%s to %s) the run rate, "
            + "%s, flat: the least-squares trend of daily cost (%s) is reported, not applied.", points.size(),
            points.get(0).label(), points.get(points.size() - 1).label(), Usd.format(forecast.dailyRunRateUsd()),
            trend(forecast));
    return String.format(Locale.US, "Month-end forecast for %s: month-to-date %s through %s + daily run rate %s "
            + "(mean cost of the last 7 days with data, anomaly days left out) × %d days left = %s. %s "
            + "See docs/ANALYSIS.md (spend_forecast).",
        forecast.month(), Usd.format(forecast.monthToDateUsd()), forecast.asOf(),
        Usd.format(forecast.dailyRunRateUsd()), forecast.daysLeft(), Usd.format(forecast.monthEndUsd()), chart);
  }
}
