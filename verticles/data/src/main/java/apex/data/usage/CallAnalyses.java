package apex.data.usage;

import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

import static apex.data.usage.WindowSql.BY_GROUP;
import static apex.data.usage.WindowSql.COST;
import static apex.data.usage.WindowSql.IN_WINDOW;
import static apex.data.usage.WindowSql.list;

/**
 * How each feature calls each model (a group is feature × provider × model): caching, failures,
 * output length, repeated prompts, arrival times, and latency per model. These are the evidence the
 * optimizer's levers rest on. Percentiles are {@code percentile_disc}, so each is a value some call
 * really had; token and latency percentiles count successful calls only, since a failed call's
 * numbers describe the failure, not the workload.
 */
public class CallAnalyses {

  private static final String OK = "status = 'ok'";

  static final String CACHE_USE = "SELECT feature, provider, model, count(*) AS requests,"
      + " sum(input_tokens)::bigint AS input_tokens, sum(cached_input_tokens)::bigint AS cached_input_tokens,"
      + " sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(output_tokens)::bigint AS output_tokens,"
      + " coalesce(round(sum(cached_input_tokens) / nullif(sum(input_tokens), 0), 6), 0)::float8 AS hit_ratio,"
      + " coalesce(percentile_disc(0.05) WITHIN GROUP (ORDER BY input_tokens) FILTER (WHERE " + OK + "), 0) AS p05,"
      + " coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY input_tokens) FILTER (WHERE " + OK + "), 0) AS p50, "
      + COST + IN_WINDOW + BY_GROUP;

  /** Groups with at least one failure; the peak hour is the UTC hour with most of them (earliest on a tie). */
  static final String FAILURES = """
      WITH calls AS (SELECT feature, provider, model, status, cost_usd, date_trunc('hour', ts AT TIME ZONE 'UTC') AS hour
      %s),
      peaks AS (SELECT DISTINCT ON (feature, provider, model) feature, provider, model, hour, count(*) AS failures
                  FROM calls WHERE status <> 'ok' GROUP BY feature, provider, model, hour
                 ORDER BY feature, provider, model, failures DESC, hour)
      SELECT feature, provider, model, count(*) AS requests, count(*) FILTER (WHERE status <> 'ok') AS failed,
             count(*) FILTER (WHERE status = 'error') AS errors, count(*) FILTER (WHERE status = 'timeout') AS timeouts,
             count(*) FILTER (WHERE status = 'rate_limited') AS rate_limited,
             round(coalesce(sum(cost_usd) FILTER (WHERE status <> 'ok'), 0), 6)::float8 AS failed_cost_usd, %s,
             to_char(peaks.hour, 'YYYY-MM-DD"T"HH24') AS peak_hour, peaks.failures AS peak_hour_failures
        FROM calls JOIN peaks USING (feature, provider, model)
       GROUP BY feature, provider, model, peaks.hour, peaks.failures
       ORDER BY cost_usd DESC, feature, provider, model""".formatted(IN_WINDOW, COST);

  /** Runaway calls are successful calls beyond twice the group's p95 output. */
  static final String OUTPUT_USE = """
      WITH calls AS (SELECT feature, provider, model, status, output_tokens, max_tokens, finish_reason, cost_usd
      %s),
      per_group AS (SELECT feature, provider, model, count(*) AS requests,
                        percentile_disc(0.5) WITHIN GROUP (ORDER BY max_tokens) AS max_tokens,
                        percentile_disc(0.5) WITHIN GROUP (ORDER BY output_tokens) FILTER (WHERE %s) AS p50,
                        percentile_disc(0.95) WITHIN GROUP (ORDER BY output_tokens) FILTER (WHERE %s) AS p95,
                        count(*) FILTER (WHERE finish_reason = 'length') AS truncated,
                        round(coalesce(sum(cost_usd) FILTER (WHERE finish_reason = 'length'), 0), 6)::float8
                          AS truncated_cost_usd, %s
                   FROM calls GROUP BY feature, provider, model),
      runaways AS (SELECT feature, provider, model, count(*) AS runaway, sum(output_tokens - 2 * p95) AS excess
                     FROM calls JOIN per_group USING (feature, provider, model)
                    WHERE status = 'ok' AND output_tokens > 2 * p95 GROUP BY feature, provider, model)
      SELECT per_group.*, coalesce(runaway, 0) AS runaway, coalesce(excess, 0)::bigint AS excess
        FROM per_group LEFT JOIN runaways USING (feature, provider, model)
       ORDER BY cost_usd DESC, feature, provider, model""".formatted(IN_WINDOW, OK, OK, COST);

  /**
   * Over successful calls with a prompt hash: the first call of each hash (by time) is the original,
   * every later one a repeat. Groups without hashed calls are left out.
   */
  static final String DUPLICATES = """
      WITH calls AS (SELECT feature, provider, model, cost_usd, prompt_hash,
                            CASE WHEN status = 'ok' AND prompt_hash IS NOT NULL
                                 THEN row_number() OVER (PARTITION BY feature, provider, model, prompt_hash, status = 'ok'
                                                             ORDER BY ts, id) END AS nth
      %s)
      SELECT feature, provider, model, count(nth) AS with_hash, count(DISTINCT prompt_hash) FILTER (WHERE nth IS NOT NULL)
               AS distinct_prompts, count(*) FILTER (WHERE nth > 1) AS repeated,
             round(coalesce(sum(cost_usd) FILTER (WHERE nth > 1), 0), 6)::float8 AS repeated_cost_usd, %s
        FROM calls GROUP BY feature, provider, model HAVING count(nth) > 0
       ORDER BY cost_usd DESC, feature, provider, model""".formatted(IN_WINDOW, COST);

  /** Most used models first: latency says nothing about money, so there is no cost to order by. */
  static final String LATENCY = "SELECT provider, model, count(*) AS requests,"
      + " percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,"
      + " percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95" + IN_WINDOW
      + " AND " + OK + " AND latency_ms IS NOT NULL GROUP BY provider, model ORDER BY requests DESC, provider, model";

  /** Every group gets all 24 UTC hours, zero where no call arrived. */
  static final String BATCH_USE = """
      WITH hours AS (SELECT feature, provider, model, extract(hour FROM ts AT TIME ZONE 'UTC')::int AS hour,
                            count(*) AS calls, count(*) FILTER (WHERE batch) AS batch_calls,
                            sum(cost_usd) FILTER (WHERE NOT batch) AS non_batch_cost, sum(cost_usd) AS cost
      %s GROUP BY feature, provider, model, hour),
      per_group AS (SELECT DISTINCT feature, provider, model FROM hours)
      SELECT g.feature, g.provider, g.model, sum(h.calls)::bigint AS requests, sum(h.batch_calls)::bigint AS batch,
             round(coalesce(sum(h.non_batch_cost), 0), 6)::float8 AS non_batch_cost_usd,
             round(coalesce(sum(h.cost), 0), 6)::float8 AS cost_usd,
             array_agg(coalesce(h.calls, 0) ORDER BY hour_of_day) AS by_hour
        FROM per_group g CROSS JOIN generate_series(0, 23) AS hour_of_day
        LEFT JOIN hours h ON h.feature = g.feature AND h.provider = g.provider AND h.model = g.model
                         AND h.hour = hour_of_day
       GROUP BY g.feature, g.provider, g.model
       ORDER BY cost_usd DESC, g.feature, g.provider, g.model""".formatted(IN_WINDOW);

  private final WindowSql sql;

  public CallAnalyses(SqlClient client) {
    this.sql = new WindowSql(client);
  }

  public Future<List<CacheUse>> cacheUse(String userId, Window window) {
    return sql.query(CACHE_USE, userId, window, rows -> list(rows, r -> new CacheUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getLong("input_tokens"),
        r.getLong("cached_input_tokens"), r.getLong("cache_write_tokens"), r.getLong("output_tokens"),
        r.getDouble("hit_ratio"), r.getLong("p05"), r.getLong("p50"), r.getDouble("cost_usd"))));
  }

  public Future<List<FailureWaste>> failures(String userId, Window window) {
    return sql.query(FAILURES, userId, window, rows -> list(rows, r -> new FailureWaste(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getLong("failed"),
        r.getLong("errors"), r.getLong("timeouts"), r.getLong("rate_limited"), r.getDouble("failed_cost_usd"),
        r.getDouble("cost_usd"), r.getString("peak_hour"), r.getLong("peak_hour_failures"))));
  }

  public Future<List<OutputUse>> outputUse(String userId, Window window) {
    return sql.query(OUTPUT_USE, userId, window, rows -> list(rows, r -> new OutputUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getInteger("max_tokens"),
        zeroIfNull(r.getLong("p50")), zeroIfNull(r.getLong("p95")), r.getLong("truncated"),
        r.getDouble("truncated_cost_usd"), r.getLong("runaway"), r.getLong("excess"), r.getDouble("cost_usd"))));
  }

  public Future<List<DuplicateUse>> duplicates(String userId, Window window) {
    return sql.query(DUPLICATES, userId, window, rows -> list(rows, r -> new DuplicateUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("with_hash"), r.getLong("distinct_prompts"),
        r.getLong("repeated"), r.getDouble("repeated_cost_usd"), r.getDouble("cost_usd"))));
  }

  public Future<List<LatencyStats>> latency(String userId, Window window) {
    return sql.query(LATENCY, userId, window, rows -> list(rows, r -> new LatencyStats(r.getString("provider"),
        r.getString("model"), r.getLong("requests"), r.getLong("p50"), r.getLong("p95"))));
  }

  public Future<List<BatchUse>> batchUse(String userId, Window window) {
    return sql.query(BATCH_USE, userId, window, rows -> list(rows, r -> new BatchUse(r.getString("feature"),
        r.getString("provider"), r.getString("model"), r.getLong("requests"), r.getLong("batch"),
        r.getDouble("non_batch_cost_usd"), r.getDouble("cost_usd"), List.of(r.getArrayOfLongs("by_hour")))));
  }

  /** A group whose calls all failed has no output percentiles: zero, as the contract's counts require. */
  private static long zeroIfNull(Long value) {
    return value == null ? 0 : value;
  }
}
