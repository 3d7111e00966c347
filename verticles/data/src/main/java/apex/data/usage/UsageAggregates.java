package apex.data.usage;

import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The spend aggregates of one user's usage in a {@link Window} of whole UTC days ({@code from} and
 * {@code to} inclusive). Each query is its own method so the data verticle can run and report it as
 * a tool; {@link #dataResult} runs them all. Costs are summed exactly in SQL and rounded to 6 decimals;
 * rows without a price count as requests and tokens but add nothing to cost (see {@link #unpricedModels}).
 */
public class UsageAggregates {

  /** $1 user, $2 first instant of the window, $3 first instant after it. */
  private static final String IN_WINDOW = " FROM usage.usage_records WHERE user_id = $1 AND ts >= $2 AND ts < $3";
  private static final String COST = "round(coalesce(sum(cost_usd), 0), 6)::float8 AS cost_usd";
  private static final String DAY = "(ts AT TIME ZONE 'UTC')::date";
  private static final String TOKEN_SUMS = "count(*) AS requests, coalesce(sum(input_tokens), 0)::bigint AS input_tokens,"
      + " coalesce(sum(cached_input_tokens), 0)::bigint AS cached_input_tokens,"
      + " coalesce(sum(output_tokens), 0)::bigint AS output_tokens, " + COST;

  private static final String TOTALS = "SELECT " + TOKEN_SUMS
      + ", coalesce(sum(cache_write_tokens), 0)::bigint AS cache_write_tokens,"
      + " coalesce(sum(reasoning_tokens), 0)::bigint AS reasoning_tokens,"
      + " count(*) FILTER (WHERE status <> 'ok') AS failed_requests" + IN_WINDOW;
  private static final String BY_MODEL = "SELECT provider, model, " + TOKEN_SUMS + IN_WINDOW
      + " GROUP BY provider, model ORDER BY cost_usd DESC, requests DESC, provider, model";
  private static final String BY_FEATURE = "SELECT feature, count(*) AS requests, " + COST + IN_WINDOW
      + " GROUP BY feature ORDER BY cost_usd DESC, requests DESC, feature";
  // Average output over successful requests only: failed calls return no text and would make a
  // feature look shorter than it is, which is exactly the figure right-sizing relies on.
  private static final String BY_FEATURE_MODEL = "SELECT feature, provider, model, count(*) AS requests,"
      + " coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens,"
      + " coalesce(round(avg(output_tokens) FILTER (WHERE status = 'ok'), 2), 0)::float8 AS avg_output_tokens, "
      + COST + IN_WINDOW + " GROUP BY feature, provider, model ORDER BY cost_usd DESC, requests DESC, feature, provider, model";
  private static final String BY_DAY = "SELECT " + DAY + " AS day, count(*) AS requests, " + COST + IN_WINDOW
      + " GROUP BY 1 ORDER BY 1";
  private static final String UNPRICED = "SELECT DISTINCT model" + IN_WINDOW + " AND cost_usd IS NULL ORDER BY model";
  private static final String COVERAGE = "SELECT count(*) AS rows, count(DISTINCT " + DAY + ") AS days_with_data,"
      + " min(" + DAY + ") AS first_day, max(" + DAY + ") AS last_day" + IN_WINDOW;

  private final SqlClient client;

  /** {@code client} is usually the shared {@code Pool}; queries of {@link #dataResult} run concurrently on it. */
  public UsageAggregates(SqlClient client) {
    this.client = client;
  }

  /** All aggregates of the window, as the data stage's result. */
  public Future<DataResult> dataResult(String userId, Window window) {
    Future<Totals> totals = totals(userId, window);
    Future<List<ModelSpend>> byModel = spendByModel(userId, window);
    Future<List<FeatureSpend>> byFeature = spendByFeature(userId, window);
    Future<List<FeatureModelSpend>> byFeatureModel = spendByFeatureModel(userId, window);
    Future<List<DaySpend>> byDay = spendByDay(userId, window);
    Future<List<String>> unpriced = unpricedModels(userId, window);
    return Future.all(totals, byModel, byFeature, byFeatureModel, byDay, unpriced)
        .map(all -> new DataResult(window, totals.result(), byModel.result(), byFeature.result(), List.of(),
            byFeatureModel.result(), byDay.result(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), null, new DataResult.Quality(totals.result().requests(), 0, 0, 0, 0, 0, 0, List.of()),
            unpriced.result(), 0, false));
  }

  public Future<Totals> totals(String userId, Window window) {
    return query(TOTALS, userId, window, rows -> {
      Row r = rows.iterator().next();
      return new Totals(r.getLong("requests"), r.getLong("input_tokens"), r.getLong("cached_input_tokens"),
          r.getLong("cache_write_tokens"), r.getLong("output_tokens"), r.getLong("reasoning_tokens"),
          r.getLong("failed_requests"), r.getDouble("cost_usd"));
    });
  }

  /** Per provider and model, most expensive first. */
  public Future<List<ModelSpend>> spendByModel(String userId, Window window) {
    return query(BY_MODEL, userId, window, rows -> list(rows, r -> new ModelSpend(r.getString("provider"),
        r.getString("model"), r.getLong("requests"), r.getLong("input_tokens"), r.getLong("cached_input_tokens"),
        r.getLong("output_tokens"), r.getDouble("cost_usd"))));
  }

  /** Per feature, most expensive first. */
  public Future<List<FeatureSpend>> spendByFeature(String userId, Window window) {
    return query(BY_FEATURE, userId, window, rows -> list(rows, r -> new FeatureSpend(r.getString("feature"),
        r.getLong("requests"), r.getDouble("cost_usd"))));
  }

  /** Per feature and model, most expensive first; {@code avgOutputTokens} counts successful requests only. */
  public Future<List<FeatureModelSpend>> spendByFeatureModel(String userId, Window window) {
    return query(BY_FEATURE_MODEL, userId, window, rows -> list(rows, r -> new FeatureModelSpend(
        r.getString("feature"), r.getString("provider"), r.getString("model"), r.getLong("requests"),
        r.getLong("input_tokens"), r.getLong("output_tokens"), r.getDouble("avg_output_tokens"),
        r.getDouble("cost_usd"))));
  }

  /** Per UTC day that has data, ascending; days without rows are absent, not zero. */
  public Future<List<DaySpend>> spendByDay(String userId, Window window) {
    return query(BY_DAY, userId, window, rows -> list(rows, r -> new DaySpend(r.getLocalDate("day").toString(),
        r.getLong("requests"), r.getDouble("cost_usd"))));
  }

  /** Models with at least one row in the window that has no cost, alphabetically. */
  public Future<List<String>> unpricedModels(String userId, Window window) {
    return query(UNPRICED, userId, window, rows -> list(rows, r -> r.getString("model")));
  }

  /** How much data the user has in the window; first and last day are null when there is none. */
  public Future<Coverage> coverage(String userId, Window window) {
    return query(COVERAGE, userId, window, rows -> {
      Row r = rows.iterator().next();
      return new Coverage(userId, window, r.getLong("rows"), r.getLong("days_with_data"),
          isoDay(r.getLocalDate("first_day")), isoDay(r.getLocalDate("last_day")), List.of());
    });
  }

  private <T> Future<T> query(String sql, String userId, Window window, Function<RowSet<Row>, T> mapper) {
    Tuple params;
    try {
      LocalDate from = LocalDate.parse(window.from());
      LocalDate to = LocalDate.parse(window.to());
      params = Tuple.of(userId, from.atStartOfDay().atOffset(ZoneOffset.UTC),
          to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
    } catch (DateTimeParseException | NullPointerException e) {
      return Future.failedFuture(new IllegalArgumentException(
          "window needs ISO dates (yyyy-MM-dd) in from and to, got " + window, e));
    }
    return client.preparedQuery(sql).execute(params).map(mapper);
  }

  private static <T> List<T> list(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(mapper.apply(r)));
    return out;
  }

  private static String isoDay(LocalDate day) {
    return day == null ? null : day.toString();
  }
}
