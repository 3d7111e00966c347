package apex.data.demo;

import io.vertx.core.json.JsonObject;

/**
 * The true savings of one planted inefficiency on one feature × provider × model group (the grain of
 * the optimizer's ledger) over the generated days, and per month (× 30 / days).
 */
public record PlantedSaving(String id, String lever, String feature, String provider, String model,
                            double windowSavingsUsd, double monthlySavingsUsd, String detail) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("lever", lever).put("feature", feature).put("provider", provider)
        .put("model", model).put("window_savings_usd", Manifest.usd(windowSavingsUsd))
        .put("monthly_savings_usd", Manifest.usd(monthlySavingsUsd)).put("detail", detail);
  }
}
