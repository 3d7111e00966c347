package apex.data.usage;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.DataResult.Totals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * What each tool's {@code tool_completed} event says: the few numbers a person reads in the data
 * card (the full result travels in the stage's answer). Sums here add up a handful of group rows
 * the SQL already aggregated.
 */
final class ToolSummaries {
  private ToolSummaries() {}

  static JsonObject totals(Totals t) {
    return new JsonObject().put("requests", t.requests()).put("failed_requests", t.failedRequests())
        .put("cost_usd", t.costUsd());
  }

  /** How many rows, and the first (most expensive) one's name and cost. */
  static <T> JsonObject top(List<T> rows, Function<T, String> name, ToDoubleFunction<T> cost) {
    JsonObject summary = new JsonObject().put("rows", rows.size());
    return rows.isEmpty() ? summary
        : summary.put("top", name.apply(rows.get(0))).put("top_cost_usd", cost.applyAsDouble(rows.get(0)));
  }

  static JsonObject cacheUse(List<CacheUse> groups) {
    long input = sum(groups, CacheUse::inputTokens);
    long cached = sum(groups, CacheUse::cachedInputTokens);
    return new JsonObject().put("groups", groups.size()).put("cached_input_tokens", cached)
        .put("hit_ratio", input == 0 ? 0.0 : round((double) cached / input, 4));
  }

  static JsonObject failures(List<FailureWaste> groups) {
    return new JsonObject().put("groups", groups.size())
        .put("failed_requests", sum(groups, FailureWaste::failedRequests))
        .put("failed_cost_usd", money(groups, FailureWaste::failedCostUsd));
  }

  static JsonObject outputUse(List<OutputUse> groups) {
    return new JsonObject().put("groups", groups.size()).put("truncated", sum(groups, OutputUse::truncated))
        .put("truncated_cost_usd", money(groups, OutputUse::truncatedCostUsd))
        .put("runaway_requests", sum(groups, OutputUse::runawayRequests));
  }

  static JsonObject duplicates(List<DuplicateUse> groups) {
    return new JsonObject().put("groups", groups.size())
        .put("repeated_requests", sum(groups, DuplicateUse::repeatedRequests))
        .put("repeated_cost_usd", money(groups, DuplicateUse::repeatedCostUsd));
  }

  static JsonObject latency(List<LatencyStats> models) {
    JsonObject summary = new JsonObject().put("models", models.size());
    return models.stream().max(Comparator.comparingLong(LatencyStats::p95Ms))
        .map(slowest -> summary.put("slowest", slowest.model()).put("slowest_p95_ms", slowest.p95Ms()))
        .orElse(summary);
  }

  static JsonObject batchUse(List<BatchUse> groups) {
    return new JsonObject().put("groups", groups.size()).put("batch_requests", sum(groups, BatchUse::batchRequests))
        .put("non_batch_cost_usd", money(groups, BatchUse::nonBatchCostUsd));
  }

  static JsonObject anomalies(List<DayAnomaly> days) {
    return new JsonObject().put("anomaly_days", days.size())
        .put("days", new JsonArray(days.stream().map(DayAnomaly::day).sorted().toList()))
        .put("excess_usd", money(days, DayAnomaly::excessUsd));
  }

  static JsonObject forecast(Forecast f) {
    return f == null ? new JsonObject().put("month_end_usd", (Object) null)
        : new JsonObject().put("month", f.month()).put("month_to_date_usd", f.monthToDateUsd())
            .put("daily_run_rate_usd", f.dailyRunRateUsd()).put("month_end_usd", f.monthEndUsd());
  }

  static JsonObject quality(Quality q) {
    return new JsonObject().put("rows", q.rows()).put("unpriced_rows", q.unpricedRows())
        .put("rows_without_tokens", q.rowsWithoutTokens()).put("missing_fields", new JsonArray(q.missingFields()));
  }

  static JsonObject cached(DataResult r) {
    return new JsonObject().put("data_version", r.dataVersion()).put("requests", r.totals().requests())
        .put("cost_usd", r.totals().costUsd()).put("anomaly_days", r.anomalies().size())
        .put("month_end_usd", r.forecast() == null ? null : r.forecast().monthEndUsd());
  }

  private static <T> long sum(List<T> rows, ToLongFunction<T> value) {
    return rows.stream().mapToLong(value).sum();
  }

  private static <T> double money(List<T> rows, ToDoubleFunction<T> value) {
    return round(rows.stream().mapToDouble(value).sum(), 6);
  }

  private static double round(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).doubleValue();
  }
}
