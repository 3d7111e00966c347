package apex.data.usage;

import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.ProviderSpend;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.util.List;

import static apex.data.usage.WindowSql.COST;
import static apex.data.usage.WindowSql.DAY;
import static apex.data.usage.WindowSql.IN_WINDOW;
import static apex.data.usage.WindowSql.list;
import static apex.data.usage.WindowSql.single;

/**
 * The spend aggregates of one user's usage in a {@link Window} of whole UTC days ({@code from} and
 * {@code to} inclusive), and what the data holds: coverage and quality. Each query is its own method
 * so the data verticle can run and report it as a tool. All of them read the hourly rollups
 * ({@link Rollups}), not the calls. Rows without a price count as requests and tokens but add nothing
 * to cost (see {@link #unpricedModels}).
 */
public class UsageAggregates {

  private static final String TOKEN_SUMS = "coalesce(sum(requests), 0)::bigint AS requests,"
      + " coalesce(sum(input_tokens), 0)::bigint AS input_tokens,"
      + " coalesce(sum(cached_input_tokens), 0)::bigint AS cached_input_tokens,"
      + " coalesce(sum(output_tokens), 0)::bigint AS output_tokens, " + COST;
  private static final String REQUESTS = "sum(requests)::bigint AS requests";

  static final String TOTALS = "SELECT " + TOKEN_SUMS
      + ", coalesce(sum(cache_write_tokens), 0)::bigint AS cache_write_tokens,"
      + " coalesce(sum(reasoning_tokens), 0)::bigint AS reasoning_tokens,"
      + " coalesce(sum(requests) FILTER (WHERE status <> 'ok'), 0)::bigint AS failed_requests" + IN_WINDOW;
  static final String BY_MODEL = "SELECT provider, model, " + TOKEN_SUMS + IN_WINDOW
      + " GROUP BY provider, model ORDER BY cost_usd DESC, requests DESC, provider, model";
  static final String BY_FEATURE = "SELECT feature, " + REQUESTS + ", " + COST + IN_WINDOW
      + " GROUP BY feature ORDER BY cost_usd DESC, requests DESC, feature";
  static final String BY_PROVIDER = "SELECT provider, " + REQUESTS + ", " + COST + IN_WINDOW
      + " GROUP BY provider ORDER BY cost_usd DESC, requests DESC, provider";
  // Average output over successful requests only: failed calls return no text and would make a
  // feature look shorter than it is, which is exactly the figure right-sizing relies on.
  static final String BY_FEATURE_MODEL = "SELECT feature, provider, model, " + REQUESTS + ","
      + " sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,"
      + " coalesce(round(sum(output_tokens) FILTER (WHERE status = 'ok')"
      + " / nullif(sum(requests) FILTER (WHERE status = 'ok'), 0), 2), 0)::float8 AS avg_output_tokens, "
      + COST + IN_WINDOW + " GROUP BY feature, provider, model ORDER BY cost_usd DESC, requests DESC, feature, provider, model";
  static final String BY_DAY = "SELECT " + DAY + " AS day, " + REQUESTS + ", " + COST + IN_WINDOW
      + " GROUP BY 1 ORDER BY 1";
  static final String UNPRICED = "SELECT DISTINCT model" + IN_WINDOW + " AND unpriced > 0 ORDER BY model";
  /**
   * The watched fields that some upload with rows in the window did not carry at all (its
   * {@code fields} lack them); an upload stored before uploads recorded their fields (NULL) counts as
   * carrying everything, since nothing says otherwise.
   */
  private static final String MISSING_FIELDS = """
      ARRAY(SELECT watched.field
              FROM unnest(ARRAY['input_tokens', 'output_tokens', 'cached_input_tokens']) WITH ORDINALITY
                   AS watched (field, position)
             WHERE EXISTS (SELECT 1 FROM usage.uploads u
                            WHERE u.user_id = $1 AND NOT (watched.field = ANY (u.fields))
                              AND EXISTS (SELECT 1 FROM usage.usage_hourly h
                                           WHERE h.upload_id = u.id AND h.hour >= $2 AND h.hour < $3))
             ORDER BY watched.position) AS missing_fields""";
  static final String COVERAGE = "SELECT coalesce(sum(requests), 0)::bigint AS rows, count(DISTINCT " + DAY
      + ") AS days_with_data, min(" + DAY + ") AS first_day, max(" + DAY + ") AS last_day, " + MISSING_FIELDS + IN_WINDOW;
  static final String QUALITY = "SELECT coalesce(sum(requests), 0)::bigint AS rows,"
      + " coalesce(sum(unpriced), 0)::bigint AS unpriced_rows,"
      + " coalesce(sum(without_tokens), 0)::bigint AS rows_without_tokens,"
      + " coalesce(sum(without_latency), 0)::bigint AS rows_without_latency,"
      + " coalesce(sum(requests - hashed), 0)::bigint AS rows_without_prompt_hash,"
      + " coalesce(sum(without_max_tokens), 0)::bigint AS rows_without_max_tokens,"
      + " coalesce(sum(without_finish_reason), 0)::bigint AS rows_without_finish_reason, " + MISSING_FIELDS + IN_WINDOW;

  private final WindowSql sql;

  public UsageAggregates(SqlClient client) {
    this.sql = new WindowSql(client);
  }

  public Future<Totals> totals(String userId, Window window) {
    return sql.query(TOTALS, userId, window, rows -> {
      Row r = single(rows);
      return new Totals(r.getLong("requests"), r.getLong("input_tokens"), r.getLong("cached_input_tokens"),
          r.getLong("cache_write_tokens"), r.getLong("output_tokens"), r.getLong("reasoning_tokens"),
          r.getLong("failed_requests"), r.getDouble("cost_usd"));
    });
  }

  /** Per provider and model, most expensive first. */
  public Future<List<ModelSpend>> spendByModel(String userId, Window window) {
    return sql.query(BY_MODEL, userId, window, rows -> list(rows, r -> new ModelSpend(r.getString("provider"),
        r.getString("model"), r.getLong("requests"), r.getLong("input_tokens"), r.getLong("cached_input_tokens"),
        r.getLong("output_tokens"), r.getDouble("cost_usd"))));
  }

  /** Per provider, most expensive first. */
  public Future<List<ProviderSpend>> spendByProvider(String userId, Window window) {
    return sql.query(BY_PROVIDER, userId, window, rows -> list(rows, r -> new ProviderSpend(r.getString("provider"),
        r.getLong("requests"), r.getDouble("cost_usd"))));
  }

  /** Per feature, most expensive first. */
  public Future<List<FeatureSpend>> spendByFeature(String userId, Window window) {
    return sql.query(BY_FEATURE, userId, window, rows -> list(rows, r -> new FeatureSpend(r.getString("feature"),
        r.getLong("requests"), r.getDouble("cost_usd"))));
  }

  /** Per feature and model, most expensive first; {@code avgOutputTokens} counts successful requests only. */
  public Future<List<FeatureModelSpend>> spendByFeatureModel(String userId, Window window) {
    return sql.query(BY_FEATURE_MODEL, userId, window, rows -> list(rows, r -> new FeatureModelSpend(
        r.getString("feature"), r.getString("provider"), r.getString("model"), r.getLong("requests"),
        r.getLong("input_tokens"), r.getLong("output_tokens"), r.getDouble("avg_output_tokens"),
        r.getDouble("cost_usd"))));
  }

  /** Per UTC day that has data, ascending; days without rows are absent, not zero. */
  public Future<List<DaySpend>> spendByDay(String userId, Window window) {
    return sql.query(BY_DAY, userId, window, rows -> list(rows, r -> new DaySpend(r.getLocalDate("day").toString(),
        r.getLong("requests"), r.getDouble("cost_usd"))));
  }

  /** Models with at least one row in the window that has no cost, alphabetically. */
  public Future<List<String>> unpricedModels(String userId, Window window) {
    return sql.query(UNPRICED, userId, window, rows -> list(rows, r -> r.getString("model")));
  }

  /** How much data the user has in the window; first and last day are null when there is none. */
  public Future<Coverage> coverage(String userId, Window window) {
    return sql.query(COVERAGE, userId, window, rows -> {
      Row r = single(rows);
      return new Coverage(userId, window, r.getLong("rows"), r.getLong("days_with_data"),
          isoDay(r.getLocalDate("first_day")), isoDay(r.getLocalDate("last_day")), missingFields(r));
    });
  }

  /** Rows lacking what some analyses need, and the watched fields an upload in the window did not carry. */
  public Future<Quality> quality(String userId, Window window) {
    return sql.query(QUALITY, userId, window, rows -> {
      Row r = single(rows);
      return new Quality(r.getLong("rows"), r.getLong("unpriced_rows"), r.getLong("rows_without_tokens"),
          r.getLong("rows_without_latency"), r.getLong("rows_without_prompt_hash"), r.getLong("rows_without_max_tokens"),
          r.getLong("rows_without_finish_reason"), missingFields(r));
    });
  }

  private static List<String> missingFields(Row row) {
    return List.of(row.getArrayOfStrings("missing_fields"));
  }

  private static String isoDay(LocalDate day) {
    return day == null ? null : day.toString();
  }
}
