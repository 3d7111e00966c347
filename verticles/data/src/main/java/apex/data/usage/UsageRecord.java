package apex.data.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One provider request as stored in {@code usage.usage_records}. The owning user and the upload
 * are not part of the record: {@link UsageWriter} assigns them when it stores a batch.
 *
 * <p>Token convention (the pricing catalog's, enforced by check constraints in the table):
 * {@code inputTokens} INCLUDES {@code cachedInputTokens} (cache reads) and {@code cacheWriteTokens};
 * {@code outputTokens} INCLUDES {@code reasoningTokens}. An ingestor reading an export that counts
 * them separately (Anthropic's {@code input_tokens} excludes cache reads and writes) adds them up
 * before building a record.
 *
 * @param costUsd what the request cost, or null when no price is known for the model
 * @param status  one of {@code ok}, {@code error}, {@code timeout}, {@code rate_limited}; defaults to ok
 * @param feature the product feature that made the call; defaults to {@code untagged}
 */
public record UsageRecord(Instant ts, String provider, String model, String feature, String requestId,
                          long inputTokens, long cachedInputTokens, long cacheWriteTokens, long outputTokens,
                          long reasoningTokens, Integer latencyMs, String status, String finishReason,
                          Integer maxTokens, String promptHash, boolean batch, Double costUsd, String endUser) {

  public static final String UNTAGGED = "untagged";
  public static final String OK = "ok";
  /** The canonical field names, as in docs/USAGE-FORMATS.md and {@code uploads.fields}, in the order of docs/USAGE-FORMATS.md §3. */
  public static final List<String> FIELDS = List.of("ts", "provider", "model", "feature", "request_id",
      "input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "latency_ms",
      "status", "finish_reason", "max_tokens", "prompt_hash", "batch", "end_user", "cost_usd");

  public UsageRecord {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    feature = feature == null || feature.isBlank() ? UNTAGGED : feature;
    status = status == null || status.isBlank() ? OK : status;
  }
}
