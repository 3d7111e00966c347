package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * The data stage's analyses of the user's usage rows in the window, one field per tool. Money is
 * USD; token counts follow the usage table's convention (input includes cache reads and writes,
 * output includes reasoning). Lists are ordered most expensive first unless said otherwise.
 * {@code dataVersion} is the user's usage version the result was computed on (it changes with every
 * upload and delete); {@code fromCache} says whether it was read from the aggregate cache.
 */
public record DataResult(Window window, Totals totals, List<ModelSpend> byModel, List<FeatureSpend> byFeature,
                         List<ProviderSpend> byProvider, List<FeatureModelSpend> byFeatureModel,
                         List<DaySpend> byDay, List<CacheUse> cacheUse, List<FailureWaste> failures,
                         List<OutputUse> outputUse, List<DuplicateUse> duplicates, List<LatencyStats> latency,
                         List<BatchUse> batchUse, List<DayAnomaly> anomalies, Forecast forecast, Quality quality,
                         List<String> unpricedModels, long dataVersion, boolean fromCache)
    implements Contract {

  /** The same analyses with another detector's anomalous days (the anomaly stage's, when it answered). */
  public DataResult withAnomalies(List<DayAnomaly> days) {
    return new DataResult(window, totals, byModel, byFeature, byProvider, byFeatureModel, byDay, cacheUse, failures,
        outputUse, duplicates, latency, batchUse, days, forecast, quality, unpricedModels, dataVersion, fromCache);
  }

  public record Totals(long requests, long inputTokens, long cachedInputTokens, long cacheWriteTokens,
                       long outputTokens, long reasoningTokens, long failedRequests, double costUsd)
      implements Contract {}

  public record ModelSpend(String provider, String model, long requests, long inputTokens, long cachedInputTokens,
                           long outputTokens, double costUsd) implements Contract {}

  public record FeatureSpend(String feature, long requests, double costUsd) implements Contract {}

  public record ProviderSpend(String provider, long requests, double costUsd) implements Contract {}

  /** {@code avgOutputTokens} counts successful requests only. */
  public record FeatureModelSpend(String feature, String provider, String model, long requests, long inputTokens,
                                  long outputTokens, double avgOutputTokens, double costUsd) implements Contract {}

  /** Per UTC day that has data, ascending. */
  public record DaySpend(String day, long requests, double costUsd) implements Contract {}

  /**
   * Cache use of a feature on a model. {@code hitRatio} = cache reads / input tokens.
   * {@code p05InputTokens} and {@code p50InputTokens} are percentiles of input tokens per successful
   * call: when most calls send at least a large, similar amount, that floor is likely a repeated
   * prefix (system prompt, tools, examples).
   */
  public record CacheUse(String feature, String provider, String model, long requests, long inputTokens,
                         long cachedInputTokens, long cacheWriteTokens, long outputTokens, double hitRatio,
                         long p05InputTokens, long p50InputTokens, double costUsd) implements Contract {}

  /**
   * Calls that did not end {@code ok}, and what they were billed. {@code peakHour} is the UTC hour
   * (ISO, {@code yyyy-MM-ddTHH}) with the most failures, a sign of a retry storm.
   */
  public record FailureWaste(String feature, String provider, String model, long requests, long failedRequests,
                             long errors, long timeouts, long rateLimited, double failedCostUsd, double costUsd,
                             String peakHour, long peakHourFailures) implements Contract {}

  /**
   * Output length against the requested cap. {@code maxTokens} is the median cap requested (null
   * when none is recorded); percentiles are over successful calls; {@code truncated} counts
   * {@code finish_reason = length}. Runaway calls are those whose output exceeds twice the p95;
   * {@code runawayExcessTokens} is the output they generated beyond that.
   */
  public record OutputUse(String feature, String provider, String model, long requests, Integer maxTokens,
                          long p50OutputTokens, long p95OutputTokens, long truncated, double truncatedCostUsd,
                          long runawayRequests, long runawayExcessTokens, double costUsd) implements Contract {}

  /** Requests repeating an earlier identical prompt (same {@code prompt_hash}) of the same feature and model. */
  public record DuplicateUse(String feature, String provider, String model, long requestsWithHash,
                             long distinctPrompts, long repeatedRequests, double repeatedCostUsd, double costUsd)
      implements Contract {}

  /** Latency percentiles of successful calls, in milliseconds. */
  public record LatencyStats(String provider, String model, long requests, long p50Ms, long p95Ms)
      implements Contract {}

  /** When a feature's calls arrive (requests per UTC hour, 24 entries) and whether they use a batch API. */
  public record BatchUse(String feature, String provider, String model, long requests, long batchRequests,
                         double nonBatchCostUsd, double costUsd, List<Long> requestsByHour) implements Contract {}

  /**
   * A day whose cost stands out from the baseline (the median of days of the same kind, weekday or
   * weekend); {@code score} is the excess in robust standard deviations; {@code topFeature} is the
   * feature that grew most that day.
   */
  public record DayAnomaly(String day, double costUsd, double baselineUsd, double excessUsd, double score,
                           String topFeature, double topFeatureExcessUsd) implements Contract {}

  /**
   * Month-end projection for the calendar month of the window's last day: what was spent so far in
   * that month plus the recent daily run rate (mean of the last 7 days with data, anomalies
   * excluded) for the days left. {@code trendUsdPerDay} is the least-squares slope of daily cost.
   */
  public record Forecast(String month, String asOf, double monthToDateUsd, double dailyRunRateUsd,
                         double trendUsdPerDay, int daysLeft, double monthEndUsd) implements Contract {}

  /** Rows lacking fields some analyses need; {@code missingFields} are fields absent from an upload in the window. */
  public record Quality(long rows, long unpricedRows, long rowsWithoutTokens, long rowsWithoutLatency,
                        long rowsWithoutPromptHash, long rowsWithoutMaxTokens, long rowsWithoutFinishReason,
                        List<String> missingFields) implements Contract {}
}
