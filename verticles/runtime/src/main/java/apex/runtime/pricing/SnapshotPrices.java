package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.Optional;

/** Reads one snapshot model's {@code prices} into a {@link ModelPrice} for a given day. */
final class SnapshotPrices {
  private SnapshotPrices() {}

  private static final String START_DATE = "start_date";

  /** Empty when the model has no input price: such a model cannot be priced honestly. */
  static Optional<ModelPrice> resolve(String provider, JsonObject model, LocalDate today) {
    JsonObject fields = applicable(model.getValue("prices"), today);
    if (fields == null || !fields.containsKey("input_mtok")) {
      return Optional.empty();
    }
    TokenPrice input = TokenPrice.parse(fields.getValue("input_mtok"));
    TokenPrice output = fields.containsKey("output_mtok")
        ? TokenPrice.parse(fields.getValue("output_mtok")) : TokenPrice.flat(0);
    String id = model.getString("id");
    return Optional.of(new ModelPrice(provider, id, model.getString("name", id), input,
        priceOr(fields, "cache_read_mtok", input), priceOr(fields, "cache_write_mtok", input), output));
  }

  private static TokenPrice priceOr(JsonObject fields, String key, TokenPrice fallback) {
    return fields.containsKey(key) ? TokenPrice.parse(fields.getValue(key)) : fallback;
  }

  /**
   * An object applies as is. From a list of {@code {constraint?, prices}}: the entry with the latest
   * {@code start_date} on or before today, an unconstrained entry counting as the oldest. Entries
   * constrained by {@code time_of_date} (off-peak rates) are ignored: usage rows are priced at the
   * regular rate.
   */
  private static JsonObject applicable(Object prices, LocalDate today) {
    if (prices instanceof JsonObject fields) {
      return fields;
    }
    JsonObject chosen = null;
    LocalDate chosenStart = LocalDate.MIN;
    for (Object e : (JsonArray) prices) {
      JsonObject entry = (JsonObject) e;
      JsonObject constraint = entry.getJsonObject("constraint");
      LocalDate start = constraint == null ? LocalDate.MIN
          : START_DATE.equals(constraint.getString("type")) ? LocalDate.parse(constraint.getString(START_DATE)) : null;
      boolean applies = start != null && !start.isAfter(today);
      if (applies && (chosen == null || !start.isBefore(chosenStart))) {
        chosen = entry.getJsonObject("prices");
        chosenStart = start;
      }
    }
    return chosen;
  }
}
