package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/** The data stage's aggregates over the user's usage rows in the window. Money is USD. */
public record DataResult(Window window, Totals totals, List<ModelSpend> byModel, List<FeatureSpend> byFeature,
                         List<FeatureModelSpend> byFeatureModel, List<DaySpend> byDay, List<String> unpricedModels)
    implements Contract {

  public record Totals(long requests, long inputTokens, long cachedInputTokens, long outputTokens, double costUsd)
      implements Contract {}

  public record ModelSpend(String provider, String model, long requests, long inputTokens, long cachedInputTokens,
                           long outputTokens, double costUsd) implements Contract {}

  public record FeatureSpend(String feature, long requests, double costUsd) implements Contract {}

  public record FeatureModelSpend(String feature, String provider, String model, long requests, long inputTokens,
                                  long outputTokens, double avgOutputTokens, double costUsd) implements Contract {}

  public record DaySpend(String day, long requests, double costUsd) implements Contract {}
}
