package apex.data.usage;

import java.util.List;

/**
 * The SQL of every query a run asks the data verticle for, named by the tool that runs it, in the
 * order a run runs them: triage's coverage check, then the data stage's analyses. The analysis
 * classes execute exactly these strings; this list is for whoever needs the queries themselves
 * (the run benchmark replays them in psql beside a full run). A tool may run two queries (its sums
 * and its histograms); they are listed in the order it runs them.
 *
 * <p>Parameters, as {@link WindowSql} binds them: {@code $1} the user id (text), {@code $2} the
 * window's first instant and {@code $3} the first instant after it (timestamptz).
 * {@code spend_forecast} adds {@code $4} the first instant of the month of the window's last day,
 * {@code $5} the anomaly days (date[]) and {@code $6} the days left in that month (int).
 */
public final class AnalysisSql {

  /** One query and the tool that runs it. */
  public record Query(String tool, String sql) {}

  public static final List<Query> RUN = List.of(
      new Query("check_data_coverage", UsageAggregates.COVERAGE),
      new Query("spend_totals", UsageAggregates.TOTALS),
      new Query("spend_by_model", UsageAggregates.BY_MODEL),
      new Query("spend_by_feature", UsageAggregates.BY_FEATURE),
      new Query("spend_by_provider", UsageAggregates.BY_PROVIDER),
      new Query("spend_by_feature_model", UsageAggregates.BY_FEATURE_MODEL),
      new Query("spend_by_day", UsageAggregates.BY_DAY),
      new Query("cache_hit_ratio", CallAnalyses.INPUT_HISTOGRAMS),
      new Query("cache_hit_ratio", CallAnalyses.CACHE_USE),
      new Query("failure_waste", CallAnalyses.FAILURES),
      new Query("output_limits", CallAnalyses.OUTPUT_HISTOGRAMS),
      new Query("output_limits", CallAnalyses.OUTPUT_USE),
      new Query("duplicate_prompts", CallAnalyses.DUPLICATES),
      new Query("latency_by_model", CallAnalyses.LATENCY_HISTOGRAMS),
      new Query("arrival_hours", CallAnalyses.BATCH_USE),
      new Query("daily_anomalies", DailyAnalyses.ANOMALIES),
      new Query("spend_forecast", DailyAnalyses.FORECAST),
      new Query("data_quality", UsageAggregates.QUALITY),
      new Query("unpriced_models", UsageAggregates.UNPRICED));

  private AnalysisSql() {}
}
