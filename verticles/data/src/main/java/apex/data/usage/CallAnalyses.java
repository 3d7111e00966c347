package apex.data.usage;

import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static apex.data.usage.WindowSql.BY_GROUP;
import static apex.data.usage.WindowSql.COST;
import static apex.data.usage.WindowSql.IN_WINDOW;
import static apex.data.usage.WindowSql.list;

/**
 * How each feature calls each model (a group is feature × provider × model): caching, failures,
 * output length, repeated prompts, arrival times, and latency per model. These are the evidence the
 * optimizer's levers rest on. Sums come from the hourly rollups; percentiles pick the value at the
 * rank {@code percentile_disc} would, from the daily {@link Histogram}s (exact for values below 256
 * and for buckets of one value, within 0.8 % otherwise). Token and latency percentiles count
 * successful calls only, since a failed call's numbers describe the failure, not the workload.
 */
public class CallAnalyses {

  private static final String OK = "status = 'ok'";

  static final String CACHE_USE = "SELECT feature, provider, model, sum(requests)::bigint AS requests,"
      + " sum(input_tokens)::bigint AS input_tokens, sum(cached_input_tokens)::bigint AS cached_input_tokens,"
      + " sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(output_tokens)::bigint AS output_tokens,"
      + " coalesce(round(sum(cached_input_tokens) / nullif(sum(input_tokens), 0), 6), 0)::float8 AS hit_ratio, "
      + COST + IN_WINDOW + BY_GROUP;

  /** Groups with at least one failure; the peak hour is the UTC hour with most of them (earliest on a tie). */
  static final String FAILURES = """
      WITH hours AS (SELECT feature, provider, model, status, requests, cost_usd, hour
      %s),
      peaks AS (SELECT DISTINCT ON (feature, provider, model) feature, provider, model, hour, sum(requests) AS failures
                  FROM hours WHERE status <> 'ok' GROUP BY feature, provider, model, hour
                 ORDER BY feature, provider, model, failures DESC, hour)
      SELECT feature, provider, model, sum(requests)::bigint AS requests,
             coalesce(sum(requests) FILTER (WHERE status <> 'ok'), 0)::bigint AS failed,
             coalesce(sum(requests) FILTER (WHERE status = 'error'), 0)::bigint AS errors,
             coalesce(sum(requests) FILTER (WHERE status = 'timeout'), 0)::bigint AS timeouts,
             coalesce(sum(requests) FILTER (WHERE status = 'rate_limited'), 0)::bigint AS rate_limited,
             round(coalesce(sum(cost_usd) FILTER (WHERE status <> 'ok'), 0), 6)::float8 AS failed_cost_usd, %s,
             to_char(peaks.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') AS peak_hour,
             peaks.failures::bigint AS peak_hour_failures
        FROM hours JOIN peaks USING (feature, provider, model)
       GROUP BY feature, provider, model, peaks.hour, peaks.failures
       ORDER BY cost_usd DESC, feature, provider, model""".formatted(IN_WINDOW, COST);

  /** The sums of output_limits; the percentiles and runaways come from {@link #OUTPUT_HISTOGRAMS}. */
  static final String OUTPUT_USE = "SELECT feature, provider, model, sum(requests)::bigint AS requests,"
      + " sum(truncated)::bigint AS truncated, round(sum(truncated_cost_usd), 6)::float8 AS truncated_cost_usd, "
      + COST + IN_WINDOW + BY_GROUP;

  /**
   * Over successful calls with a prompt hash: the first call of each hash (by time) is the original,
   * every later one a repeat. Only calls in {@code prompt_repeats} can be repeats, so only they are
   * read; the hashed calls per group come from the rollups. Groups without hashed calls are left out.
   */
  static final String DUPLICATES = """
      WITH prompts AS (SELECT feature, provider, model, prompt_hash, count(*) AS calls, sum(cost_usd) AS cost,
                              (array_agg(cost_usd ORDER BY ts, record_id))[1] AS first_cost
                         FROM usage.prompt_repeats WHERE user_id = $1 AND ts >= $2 AND ts < $3
                        GROUP BY feature, provider, model, prompt_hash),
      repeats AS (SELECT feature, provider, model, sum(calls - 1)::bigint AS repeated,
                         sum(coalesce(cost, 0) - coalesce(first_cost, 0)) AS repeated_cost
                    FROM prompts GROUP BY feature, provider, model),
      hashed AS (SELECT feature, provider, model, coalesce(sum(hashed) FILTER (WHERE %s), 0)::bigint AS with_hash, %s
      %s GROUP BY feature, provider, model)
      SELECT feature, provider, model, with_hash, with_hash - coalesce(repeated, 0) AS distinct_prompts,
             coalesce(repeated, 0) AS repeated, round(coalesce(repeated_cost, 0), 6)::float8 AS repeated_cost_usd, cost_usd
        FROM hashed LEFT JOIN repeats USING (feature, provider, model)
       WHERE with_hash > 0
       ORDER BY cost_usd DESC, feature, provider, model""".formatted(OK, COST, IN_WINDOW);

  /** Every group gets all 24 UTC hours, zero where no call arrived. */
  static final String BATCH_USE = """
      WITH hours AS (SELECT feature, provider, model, extract(hour FROM hour AT TIME ZONE 'UTC')::int AS utc_hour,
                            sum(requests) AS calls, coalesce(sum(requests) FILTER (WHERE batch), 0) AS batch_calls,
                            sum(cost_usd) FILTER (WHERE NOT batch) AS non_batch_cost, sum(cost_usd) AS cost
      %s GROUP BY feature, provider, model, utc_hour),
      per_group AS (SELECT DISTINCT feature, provider, model FROM hours)
      SELECT g.feature, g.provider, g.model, sum(h.calls)::bigint AS requests, sum(h.batch_calls)::bigint AS batch,
             round(coalesce(sum(h.non_batch_cost), 0), 6)::float8 AS non_batch_cost_usd,
             round(coalesce(sum(h.cost), 0), 6)::float8 AS cost_usd,
             array_agg(coalesce(h.calls, 0)::bigint ORDER BY hour_of_day) AS by_hour
        FROM per_group g CROSS JOIN generate_series(0, 23) AS hour_of_day
        LEFT JOIN hours h ON h.feature = g.feature AND h.provider = g.provider AND h.model = g.model
                         AND h.utc_hour = hour_of_day
       GROUP BY g.feature, g.provider, g.model
       ORDER BY cost_usd DESC, g.feature, g.provider, g.model""".formatted(IN_WINDOW);

  /** The histograms of {@code metrics} in the window, per group; see {@link Histogram}. */
  private static final String HISTOGRAMS = "SELECT feature, provider, model, metric, buckets FROM usage.usage_histograms"
      + " WHERE user_id = $1 AND day >= ($2 AT TIME ZONE 'UTC')::date AND day < ($3 AT TIME ZONE 'UTC')::date"
      + " AND metric IN (%s)";
  static final String INPUT_HISTOGRAMS = HISTOGRAMS.formatted("'input_ok'");
  static final String OUTPUT_HISTOGRAMS = HISTOGRAMS.formatted("'output_ok', 'max_tokens'");
  static final String LATENCY_HISTOGRAMS = HISTOGRAMS.formatted("'latency_ok'");

  private final WindowSql sql;

  public CallAnalyses(SqlClient client) {
    this.sql = new WindowSql(client);
  }

  public Future<List<CacheUse>> cacheUse(String userId, Window window) {
    return histograms(INPUT_HISTOGRAMS, userId, window, true).compose(inputs -> sql.query(CACHE_USE, userId, window,
        rows -> list(rows, r -> {
          Histogram input = of(inputs, r.getString("feature"), r, "input_ok");
          return new CacheUse(r.getString("feature"), r.getString("provider"), r.getString("model"),
              r.getLong("requests"), r.getLong("input_tokens"), r.getLong("cached_input_tokens"),
              r.getLong("cache_write_tokens"), r.getLong("output_tokens"), r.getDouble("hit_ratio"),
              zeroIfNull(input.quantile(0.05)), zeroIfNull(input.quantile(0.5)), r.getDouble("cost_usd"));
        })));
  }

  public Future<List<FailureWaste>> failures(String userId, Window window) {
    return sql.query(FAILURES, userId, window, rows -> list(rows, r -> new FailureWaste(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getLong("failed"),
        r.getLong("errors"), r.getLong("timeouts"), r.getLong("rate_limited"), r.getDouble("failed_cost_usd"),
        r.getDouble("cost_usd"), r.getString("peak_hour"), r.getLong("peak_hour_failures"))));
  }

  /** Runaway calls are successful calls beyond twice the group's p95 output. */
  public Future<List<OutputUse>> outputUse(String userId, Window window) {
    return histograms(OUTPUT_HISTOGRAMS, userId, window, true).compose(found -> sql.query(OUTPUT_USE, userId, window,
        rows -> list(rows, r -> {
          Histogram output = of(found, r.getString("feature"), r, "output_ok");
          Long maxTokens = of(found, r.getString("feature"), r, "max_tokens").quantile(0.5);
          Long p95 = output.quantile(0.95);
          long[] runaway = p95 == null ? new long[2] : output.above(2 * p95);
          return new OutputUse(r.getString("feature"), r.getString("provider"), r.getString("model"),
              r.getLong("requests"), maxTokens == null ? null : Math.toIntExact(maxTokens),
              zeroIfNull(output.quantile(0.5)), zeroIfNull(p95), r.getLong("truncated"),
              r.getDouble("truncated_cost_usd"), runaway[0], runaway[1], r.getDouble("cost_usd"));
        })));
  }

  public Future<List<DuplicateUse>> duplicates(String userId, Window window) {
    return sql.query(DUPLICATES, userId, window, rows -> list(rows, r -> new DuplicateUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("with_hash"), r.getLong("distinct_prompts"),
        r.getLong("repeated"), r.getDouble("repeated_cost_usd"), r.getDouble("cost_usd"))));
  }

  /**
   * Latency of successful calls that report one, per model (its features together), most used models
   * first: latency says nothing about money, so there is no cost to order by.
   */
  public Future<List<LatencyStats>> latency(String userId, Window window) {
    return histograms(LATENCY_HISTOGRAMS, userId, window, false).map(found -> found.entrySet().stream()
        .map(e -> new LatencyStats(e.getKey().provider(), e.getKey().model(), e.getValue().count(),
            e.getValue().quantile(0.5), e.getValue().quantile(0.95)))
        .sorted(Comparator.comparingLong(LatencyStats::requests).reversed()
            .thenComparing(LatencyStats::provider).thenComparing(LatencyStats::model))
        .toList());
  }

  public Future<List<BatchUse>> batchUse(String userId, Window window) {
    return sql.query(BATCH_USE, userId, window, rows -> list(rows, r -> new BatchUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getLong("batch"),
        r.getDouble("non_batch_cost_usd"), r.getDouble("cost_usd"), List.of(r.getArrayOfLongs("by_hour")))));
  }

  private record Key(String feature, String provider, String model, String metric) {}

  /** The window's histograms merged per group and metric, or per model when not {@code perFeature}. */
  private Future<Map<Key, Histogram>> histograms(String query, String userId, Window window, boolean perFeature) {
    return sql.query(query, userId, window, rows -> {
      Map<Key, Histogram> merged = new HashMap<>();
      rows.forEach(r -> merged.computeIfAbsent(new Key(perFeature ? r.getString("feature") : null,
              r.getString("provider"), r.getString("model"), r.getString("metric")), k -> new Histogram())
          .merge(Histogram.decode(r.getBuffer("buckets").getBytes())));
      return merged;
    });
  }

  private static Histogram of(Map<Key, Histogram> found, String feature, Row group, String metric) {
    Histogram histogram = found.get(new Key(feature, group.getString("provider"), group.getString("model"), metric));
    return histogram == null ? new Histogram() : histogram;
  }

  /** A group whose calls all failed has no output percentiles: zero, as the contract's counts require. */
  private static long zeroIfNull(Long value) {
    return value == null ? 0 : value;
  }
}
