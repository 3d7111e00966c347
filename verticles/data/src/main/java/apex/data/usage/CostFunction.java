package apex.data.usage;

/**
 * Prices one request. Token counts follow {@link UsageRecord}'s convention ({@code inputTokens}
 * includes cached reads and cache writes). Returns null when the model has no known price, which
 * is stored as an unpriced row rather than as zero.
 */
@FunctionalInterface
public interface CostFunction {
  Double costUsd(String provider, String model, long inputTokens, long cachedInputTokens, long cacheWriteTokens,
                 long outputTokens);
}
