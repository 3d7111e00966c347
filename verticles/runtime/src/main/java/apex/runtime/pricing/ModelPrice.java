package apex.runtime.pricing;

/**
 * What one catalog model costs, in USD per million tokens, as of the day the catalog was read.
 * A missing cache price in the snapshot is already the input price here.
 */
public record ModelPrice(String provider, String model, String name, TokenPrice input, TokenPrice cacheRead,
                         TokenPrice cacheWrite, TokenPrice output) {

  private static final double PER_MILLION = 1_000_000d;

  /**
   * One call. {@code inputTokens} includes cache reads and cache writes; the tier is chosen by
   * {@code inputTokens}.
   */
  public double costUsd(long inputTokens, long cachedInputTokens, long cacheWriteTokens, long outputTokens) {
    return costUsd(1, inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens);
  }

  /**
   * {@code calls} calls with these token sums. Tiers apply per call, so the tier is chosen by the
   * average input per call rather than by the sum.
   */
  public double costUsd(long calls, long inputTokens, long cachedInputTokens, long cacheWriteTokens,
                        long outputTokens) {
    long inputPerCall = calls > 0 ? inputTokens / calls : inputTokens;
    long uncached = Math.max(0, inputTokens - cachedInputTokens - cacheWriteTokens);
    double usd = uncached * input.at(inputPerCall)
        + cachedInputTokens * cacheRead.at(inputPerCall)
        + cacheWriteTokens * cacheWrite.at(inputPerCall)
        + outputTokens * output.at(inputPerCall);
    return usd / PER_MILLION;
  }

  /** Whether cache reads are cheaper than fresh input, i.e. whether prompt caching can save anything. */
  public boolean discountsCacheReads() {
    return cacheRead.base() < input.base();
  }
}
