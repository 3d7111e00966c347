package apex.data.demo;

import java.util.List;

/**
 * One product feature of the demo team: how much of the traffic it makes, which models it calls, how
 * big its prompts and answers are, and the one inefficiency planted on it.
 *
 * @param plant        the inefficiency planted on it; null for none
 * @param share        its share of the ordinary (non-storm, non-spike) requests
 * @param promptPrefix a fixed system prompt sent before the variable {@code input} on every call
 * @param cacheHit     mean share of the input read from cache
 * @param cacheWrite   mean share of the input written to cache (Anthropic-style explicit caching)
 * @param failureRate  the chance an ordinary call does not end ok
 * @param runawayShare the chance an answer runs away to {@link #RUNAWAY_MIN}–{@link #RUNAWAY_MAX} tokens
 * @param repeatShare  the chance a call repeats an earlier successful prompt exactly
 * @param retries      how often the client retries a failed call
 */
record DemoFeature(String name, Plant plant, double share, List<ModelUse> models, ArrivalHours arrival,
                   long promptPrefix, TokenShape input, TokenShape output, int maxTokens, double cacheHit,
                   double cacheWrite, double failureRate, double runawayShare, double repeatShare, int retries,
                   boolean endUsers) {

  static final long RUNAWAY_MIN = 6_000;
  static final long RUNAWAY_MAX = 15_000;

  /**
   * A model as one feature uses it: its share of the feature's calls, its latency (a base plus a time
   * per output token) and the share of the output it spends reasoning (0 for a model that does not).
   */
  record ModelUse(String provider, String model, double share, int latencyBaseMs, double msPerOutputToken,
                  double reasoningShare) {}
}
