package apex.data.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;

/**
 * What the demo data holds and what it should make the optimizer find: the inputs that regenerate it
 * (version, seed, rows, days, last day), its spend, and the true savings of every planted
 * inefficiency. An accuracy check compares the optimizer's recommendations with {@link #planted()}.
 *
 * @param rows          the requested ordinary rows (the generator's input)
 * @param generatedRows the rows actually generated: ordinary ones plus storms, retries and the spike
 */
public record Manifest(int generatorVersion, long seed, int rows, int generatedRows, int days, LocalDate firstDay,
                       LocalDate lastDay, double totalCostUsd, double monthlySpendUsd, List<PlantedSaving> planted) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("generator_version", generatorVersion)
        .put("seed", seed)
        .put("rows", rows)
        .put("generated_rows", generatedRows)
        .put("days", days)
        .put("first_day", firstDay.toString())
        .put("last_day", lastDay.toString())
        .put("total_cost_usd", usd(totalCostUsd))
        .put("monthly_spend_usd", usd(monthlySpendUsd))
        .put("planted", new JsonArray(planted.stream().map(PlantedSaving::toJson).toList()));
  }

  /** Dollars to the table's precision (6 decimals), so the JSON does not show float noise. */
  static double usd(double value) {
    return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).doubleValue();
  }
}
