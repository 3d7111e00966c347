package apex.data.usage;

import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

import static apex.data.usage.WindowSql.DAY;
import static apex.data.usage.WindowSql.IN_WINDOW;
import static apex.data.usage.WindowSql.list;
import static apex.data.usage.WindowSql.single;

/**
 * Spend day by day, from the hourly rollups: the days that stand out, and where the month is heading.
 * Only UTC days with data take part; a day without rows is unknown, not a day of zero spend.
 */
public class DailyAnalyses {

  /**
   * Days are compared with days of their own kind (weekday, or Saturday/Sunday UTC), and only when
   * the kind has at least 7 days. The robust sd is 1.4826 × MAD; when more than half the days cost
   * exactly the baseline (MAD = 0) it falls back to 1.253314 × the mean absolute deviation, the same
   * estimate for normal data, so a spike among flat days still gets a finite score. The top feature
   * is the one whose cost that day exceeds its own median over days of the same kind (0 on days
   * it has no rows) by most.
   */
  static final String ANOMALIES = """
      WITH calls AS (SELECT %s AS day, feature, cost_usd %s),
      days AS (SELECT day, extract(isodow FROM day) >= 6 AS weekend, coalesce(sum(cost_usd), 0)::float8 AS cost
                 FROM calls GROUP BY day),
      kinds AS (SELECT weekend, count(*) AS days, percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) AS baseline
                  FROM days GROUP BY weekend),
      spreads AS (SELECT weekend, k.days, k.baseline,
                         percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(d.cost - k.baseline)) AS mad,
                         avg(abs(d.cost - k.baseline)) AS mean_ad
                    FROM days d JOIN kinds k USING (weekend) GROUP BY weekend, k.days, k.baseline),
      scored AS (SELECT d.day, d.weekend, d.cost, s.baseline, d.cost - s.baseline AS excess,
                        CASE WHEN s.mad > 0 THEN 1.4826 * s.mad ELSE 1.253314 * s.mean_ad END AS sd
                   FROM days d JOIN spreads s USING (weekend) WHERE s.days >= 7),
      anomalies AS (SELECT * FROM scored WHERE excess > 0 AND excess >= 4 * sd AND excess >= 0.5 * baseline),
      feature_costs AS (SELECT day, feature, sum(cost_usd)::float8 AS cost FROM calls GROUP BY day, feature),
      feature_days AS (SELECT d.day, d.weekend, f.feature, coalesce(fc.cost, 0) AS cost
                         FROM days d CROSS JOIN (SELECT DISTINCT feature FROM calls) f
                         LEFT JOIN feature_costs fc ON fc.day = d.day AND fc.feature = f.feature),
      feature_baselines AS (SELECT weekend, feature, percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) AS baseline
                              FROM feature_days GROUP BY weekend, feature),
      tops AS (SELECT DISTINCT ON (fd.day) fd.day, fd.feature, fd.cost - fb.baseline AS excess
                 FROM feature_days fd JOIN feature_baselines fb USING (weekend, feature)
                WHERE fd.day IN (SELECT day FROM anomalies)
                ORDER BY fd.day, excess DESC, fd.feature)
      SELECT a.day, round(a.cost::numeric, 6)::float8 AS cost_usd, round(a.baseline::numeric, 6)::float8 AS baseline_usd,
             round(a.excess::numeric, 6)::float8 AS excess_usd, round((a.excess / a.sd)::numeric, 2)::float8 AS score,
             t.feature AS top_feature, round(t.excess::numeric, 6)::float8 AS top_feature_excess_usd
        FROM anomalies a JOIN tops t USING (day)
       ORDER BY a.cost DESC, a.day""".formatted(DAY, IN_WINDOW);

  /**
   * $4 the first instant of the month of the window's last day, $5 the anomaly days, $6 the days left
   * in that month. Month-to-date counts the whole month up to the window's end, also days before the
   * window starts: that is what the month will be billed.
   */
  static final String FORECAST = """
      WITH days AS (SELECT %s AS day, coalesce(sum(cost_usd), 0)::float8 AS cost %s GROUP BY 1),
      recent AS (SELECT cost FROM days WHERE day <> ALL ($5::date[]) ORDER BY day DESC LIMIT 7),
      month AS (SELECT coalesce(sum(cost_usd), 0)::float8 AS cost FROM usage.usage_hourly
                 WHERE user_id = $1 AND hour >= $4 AND hour < $3),
      rates AS (SELECT (SELECT count(*) FROM days) AS days_with_data, (SELECT cost FROM month) AS month_to_date,
                       (SELECT coalesce(avg(cost), 0) FROM recent) AS run_rate,
                       (SELECT coalesce(regr_slope(cost, day - DATE '2000-01-01'), 0) FROM days) AS trend)
      SELECT days_with_data, round(month_to_date::numeric, 6)::float8 AS month_to_date,
             round(run_rate::numeric, 6)::float8 AS run_rate, round(trend::numeric, 6)::float8 AS trend,
             round((month_to_date + run_rate * $6::int)::numeric, 6)::float8 AS month_end
        FROM rates""".formatted(DAY, IN_WINDOW);

  private final WindowSql sql;

  public DailyAnalyses(SqlClient client) {
    this.sql = new WindowSql(client);
  }

  public Future<List<DayAnomaly>> anomalies(String userId, Window window) {
    return sql.query(ANOMALIES, userId, window, rows -> list(rows, r -> new DayAnomaly(
        r.getLocalDate("day").toString(), r.getDouble("cost_usd"), r.getDouble("baseline_usd"),
        r.getDouble("excess_usd"), r.getDouble("score"), r.getString("top_feature"),
        r.getDouble("top_feature_excess_usd"))));
  }

  /**
   * Month-end projection for the month of the window's last day, as of that day; the run rate leaves
   * out {@code anomalies} (from {@link #anomalies}). Null when the window has no rows.
   */
  public Future<Forecast> forecast(String userId, Window window, List<DayAnomaly> anomalies) {
    LocalDate asOf;
    try {
      asOf = WindowSql.lastDay(window);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    YearMonth month = YearMonth.from(asOf);
    int daysLeft = month.lengthOfMonth() - asOf.getDayOfMonth();
    LocalDate[] skip = anomalies.stream().map(a -> LocalDate.parse(a.day())).toArray(LocalDate[]::new);
    return sql.query(FORECAST, userId, window, rows -> {
      Row r = single(rows);
      return r.getLong("days_with_data") == 0 ? null : new Forecast(month.toString(), asOf.toString(),
          r.getDouble("month_to_date"), r.getDouble("run_rate"), r.getDouble("trend"), daysLeft,
          r.getDouble("month_end"));
    }, WindowSql.start(month.atDay(1)), skip, daysLeft);
  }
}
