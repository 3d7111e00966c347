package apex.data.demo;

import apex.data.usage.CostFunction;

import java.util.Map;

/**
 * Base list prices in USD per million tokens (input, cache read, cache write, output) copied from
 * shared/data/genai-prices-snapshot.json, so tests can price the demo without the pricing catalog.
 * Ignores long-context tiers; null for any other model.
 */
public final class ListPrices {

  private static final Map<String, double[]> PER_MTOK = Map.of(
      "gpt-5.4", new double[] {2.5, 0.25, 2.5, 15},
      "gpt-5.4-mini", new double[] {0.75, 0.075, 0.75, 4.5},
      "claude-sonnet-4-6", new double[] {3, 0.3, 3.75, 15},
      "claude-haiku-4-5", new double[] {1, 0.1, 1.25, 5},
      "gemini-2.5-pro", new double[] {1.25, 0.125, 1.25, 10},
      "gemini-2.5-flash", new double[] {0.3, 0.03, 0.3, 2.5});

  public static final CostFunction COST = (provider, model, input, cached, cacheWrite, output) -> {
    double[] p = PER_MTOK.get(model);
    return p == null ? null
        : ((input - cached - cacheWrite) * p[0] + cached * p[1] + cacheWrite * p[2] + output * p[3]) / 1e6;
  };

  private ListPrices() {}
}
