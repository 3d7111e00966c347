package apex.data.usage;

import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs an analysis query over one user's rows in a {@link Window}: {@code $1} is the user, {@code $2}
 * the window's first instant and {@code $3} the first instant after it, so every query starts on the
 * rollups' {@code (user_id, hour …)} key. Costs are summed exactly in SQL and rounded to 6 decimals.
 */
final class WindowSql {
  /** The window's hourly rollups ({@link Rollups}): whole UTC days are whole hours. */
  static final String IN_WINDOW = " FROM usage.usage_hourly WHERE user_id = $1 AND hour >= $2 AND hour < $3";
  static final String COST = "round(coalesce(sum(cost_usd), 0), 6)::float8 AS cost_usd";
  static final String DAY = "(hour AT TIME ZONE 'UTC')::date";
  /** Group lists are most expensive first, then by name, so equal costs keep a stable order. */
  static final String BY_GROUP = " GROUP BY feature, provider, model ORDER BY cost_usd DESC, feature, provider, model";

  private final SqlClient client;

  WindowSql(SqlClient client) {
    this.client = client;
  }

  /** Runs {@code sql} with the window's parameters, then {@code extra} as {@code $4, $5 …}. */
  <T> Future<T> query(String sql, String userId, Window window, Function<RowSet<Row>, T> mapper, Object... extra) {
    Tuple params;
    try {
      params = Tuple.of(userId, start(firstDay(window)), start(lastDay(window).plusDays(1)));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    for (Object value : extra) {
      params.addValue(value);
    }
    return client.preparedQuery(sql).execute(params).map(mapper);
  }

  static LocalDate firstDay(Window window) {
    return day(window, window == null ? null : window.from());
  }

  static LocalDate lastDay(Window window) {
    return day(window, window == null ? null : window.to());
  }

  private static LocalDate day(Window window, String iso) {
    try {
      return LocalDate.parse(iso);
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("window needs ISO dates (yyyy-MM-dd) in from and to, got " + window, e);
    }
  }

  static OffsetDateTime start(LocalDate day) {
    return day.atStartOfDay().atOffset(ZoneOffset.UTC);
  }

  static <T> List<T> list(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(mapper.apply(r)));
    return out;
  }

  static Row single(RowSet<Row> rows) {
    return rows.iterator().next();
  }
}
