package apex.data.usage;

import apex.contracts.ErrorCode;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DayAnomaly;
import apex.contracts.stage.DataResult.DaySpend;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.FeatureModelSpend;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.Forecast;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.ModelSpend;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.DataResult.ProviderSpend;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The data stage's work for one window: every analysis as its own tool the user sees, one after the
 * other (a run's events must stay in order), and the one place a {@link DataResult} is assembled.
 * A result already computed on the same data version is read from the {@link AggregateCache}
 * instead, shown as a single {@code read_cache} tool: replaying sixteen tools that did no work
 * would tell the user something that did not happen.
 */
public class UsageAnalysis {
  private final UsageAggregates spend;
  private final CallAnalyses calls;
  private final DailyAnalyses daily;
  private final AggregateCache cache;

  public UsageAnalysis(SqlClient client, AggregateCache cache) {
    this.spend = new UsageAggregates(client);
    this.calls = new CallAnalyses(client);
    this.daily = new DailyAnalyses(client);
    this.cache = cache;
  }

  /** Fails with {@code bad_request} when the window is not two ISO dates. */
  public Future<DataResult> run(String userId, Window window, StageWork work) {
    try {
      WindowSql.firstDay(window);
      WindowSql.lastDay(window);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(e.getMessage()));
    }
    return cache.version(userId).compose(version -> version == null
        ? compute(userId, window, work, 0)
        : cache.get(userId, window, version).compose(cached -> cached != null
            ? fromCache(cached, work)
            : compute(userId, window, work, version).compose(result -> cache.put(userId, result).map(result))));
  }

  /**
   * How much data the user has in the window, counted once per data version (triage asks on every
   * run, and the answer only changes with the data).
   */
  public Future<Coverage> coverage(String userId, Window window) {
    return cache.coverage(userId, window).compose(cached -> counted(userId, window, cached));
  }

  /**
   * Works out the default window (the last {@link Window#DEFAULT_DAYS} days up to today, UTC: what
   * a question that names no window asks about) now, its coverage and its analysis, unless they are
   * cached for the user's data version already, so the next question reads them; nothing when Redis
   * cannot be reached (there is nowhere to keep them).
   */
  public Future<Void> warm(String userId) {
    Window window = Window.lastDays(Window.DEFAULT_DAYS, LocalDate.now(ZoneOffset.UTC));
    return cache.coverage(userId, window).compose(cached -> cached == null ? Future.succeededFuture()
        : counted(userId, window, cached)
            .compose(coverage -> cache.get(userId, window, cached.version()))
            .compose(analysed -> analysed != null ? Future.succeededFuture()
                : compute(userId, window, StageWork.unseen(), cached.version())
                    .compose(result -> cache.put(userId, result))));
  }

  /** The coverage {@code cached} holds, else counted now and cached for its version (not with Redis away: null). */
  private Future<Coverage> counted(String userId, Window window, AggregateCache.VersionedCoverage cached) {
    return cached != null && cached.coverage() != null ? Future.succeededFuture(cached.coverage())
        : spend.coverage(userId, window).compose(counted -> (cached == null ? Future.<Void>succeededFuture()
            : cache.putCoverage(userId, cached.version(), counted)).map(counted));
  }

  private static Future<DataResult> fromCache(DataResult cached, StageWork work) {
    JsonObject params = params(cached.window()).put("data_version", cached.dataVersion());
    return work.think("Your usage has not changed since these numbers were worked out; reading them from the cache.",
            0.5)
        .compose(v -> work.tool("read_cache", params, () -> Future.succeededFuture(cached), ToolSummaries::cached));
  }

  /** Runs every tool in order; {@code version} is the data version read before the first query. */
  private Future<DataResult> compute(String user, Window window, StageWork work, long version) {
    JsonObject params = params(window);
    Future<Totals> totals = work.think("Adding up your usage from " + window.from() + " to " + window.to() + ".", 0.05)
        .compose(v -> work.tool("spend_totals", params, () -> spend.totals(user, window), ToolSummaries::totals));
    Future<List<ModelSpend>> byModel = totals.compose(v -> work.tool("spend_by_model", params,
        () -> spend.spendByModel(user, window), rows -> ToolSummaries.top(rows, ModelSpend::model, ModelSpend::costUsd)));
    Future<List<FeatureSpend>> byFeature = byModel.compose(v -> work.tool("spend_by_feature", params,
        () -> spend.spendByFeature(user, window),
        rows -> ToolSummaries.top(rows, FeatureSpend::feature, FeatureSpend::costUsd)));
    Future<List<ProviderSpend>> byProvider = byFeature.compose(v -> work.tool("spend_by_provider", params,
        () -> spend.spendByProvider(user, window),
        rows -> ToolSummaries.top(rows, ProviderSpend::provider, ProviderSpend::costUsd)));
    Future<List<FeatureModelSpend>> byFeatureModel = byProvider
        .compose(v -> work.think("Breaking spend down by feature and model, and by day.", 0.25))
        .compose(v -> work.tool("spend_by_feature_model", params, () -> spend.spendByFeatureModel(user, window),
            rows -> new JsonObject().put("groups", rows.size())));
    Future<List<DaySpend>> byDay = byFeatureModel.compose(v -> work.tool("spend_by_day", params,
        () -> spend.spendByDay(user, window), rows -> new JsonObject().put("days", rows.size())));
    Future<List<CacheUse>> cacheUse = byDay
        .compose(v -> work.think("Looking at how each feature calls its models: caching, failures, output length,"
            + " repeated prompts, latency and when calls arrive.", 0.4))
        .compose(v -> work.tool("cache_hit_ratio", params, () -> calls.cacheUse(user, window), ToolSummaries::cacheUse));
    Future<List<FailureWaste>> failures = cacheUse.compose(v -> work.tool("failure_waste", params,
        () -> calls.failures(user, window), ToolSummaries::failures));
    Future<List<OutputUse>> outputUse = failures.compose(v -> work.tool("output_limits", params,
        () -> calls.outputUse(user, window), ToolSummaries::outputUse));
    Future<List<DuplicateUse>> duplicates = outputUse.compose(v -> work.tool("duplicate_prompts", params,
        () -> calls.duplicates(user, window), ToolSummaries::duplicates));
    Future<List<LatencyStats>> latency = duplicates.compose(v -> work.tool("latency_by_model", params,
        () -> calls.latency(user, window), ToolSummaries::latency));
    Future<List<BatchUse>> batchUse = latency.compose(v -> work.tool("arrival_hours", params,
        () -> calls.batchUse(user, window), ToolSummaries::batchUse));
    Future<List<DayAnomaly>> anomalies = batchUse
        .compose(v -> work.think("Checking the days for spikes and projecting the month.", 0.75))
        .compose(v -> work.tool("daily_anomalies", params, () -> daily.anomalies(user, window),
            ToolSummaries::anomalies));
    Future<Forecast> forecast = anomalies.compose(found -> work.tool("spend_forecast", params,
        () -> daily.forecast(user, window, found), ToolSummaries::forecast));
    Future<Quality> quality = forecast
        .compose(v -> work.think("Checking what the data leaves out.", 0.9))
        .compose(v -> work.tool("data_quality", params, () -> spend.quality(user, window), ToolSummaries::quality));
    Future<List<String>> unpriced = quality.compose(v -> work.tool("unpriced_models", params,
        () -> spend.unpricedModels(user, window), models -> new JsonObject().put("models", models)));
    return unpriced.map(v -> new DataResult(window, totals.result(), byModel.result(), byFeature.result(),
        byProvider.result(), byFeatureModel.result(), byDay.result(), cacheUse.result(), failures.result(),
        outputUse.result(), duplicates.result(), latency.result(), batchUse.result(), anomalies.result(),
        forecast.result(), quality.result(), unpriced.result(), version, false));
  }

  private static JsonObject params(Window window) {
    return new JsonObject().put("from", window.from()).put("to", window.to());
  }
}
