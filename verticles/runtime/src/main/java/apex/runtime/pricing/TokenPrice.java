package apex.runtime.pricing;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A price in USD per million tokens: a base price, and tiers that replace it when a call's input
 * tokens reach their {@code start} (long-context pricing).
 */
public record TokenPrice(double base, List<Tier> tiers) {

  public record Tier(long start, double price) {}

  public TokenPrice {
    tiers = tiers.stream().sorted(Comparator.comparingLong(Tier::start)).toList();
  }

  public static TokenPrice flat(double base) {
    return new TokenPrice(base, List.of());
  }

  /** The price for a call with {@code inputTokens} input tokens: the highest tier it reaches, else base. */
  public double at(long inputTokens) {
    double price = base;
    for (Tier tier : tiers) {
      if (inputTokens >= tier.start()) {
        price = tier.price();
      }
    }
    return price;
  }

  /** A snapshot field: a number, or {@code {base, tiers:[{start, price}]}}. */
  static TokenPrice parse(Object field) {
    if (field instanceof Number number) {
      return flat(number.doubleValue());
    }
    if (field instanceof JsonObject tiered) {
      List<Tier> tiers = new ArrayList<>();
      tiered.getJsonArray("tiers", new io.vertx.core.json.JsonArray()).forEach(t -> {
        JsonObject tier = (JsonObject) t;
        tiers.add(new Tier(tier.getLong("start"), tier.getDouble("price")));
      });
      return new TokenPrice(tiered.getDouble("base"), tiers);
    }
    throw new IllegalArgumentException("not a price: " + field);
  }
}
