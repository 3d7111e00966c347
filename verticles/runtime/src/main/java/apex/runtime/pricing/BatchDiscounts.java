package apex.runtime.pricing;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per provider, the share of the standard price its batch API takes off, and the page that says so
 * ({@code conf/pricing/batch-discounts.json}).
 */
public final class BatchDiscounts {
  public static final BatchDiscounts NONE = new BatchDiscounts(Map.of());

  /** {@code discount} in (0, 1): 0.5 means the batch API costs half the standard price. */
  public record Discount(double discount, String source) {}

  private final Map<String, Discount> byProvider;

  private BatchDiscounts(Map<String, Discount> byProvider) {
    this.byProvider = byProvider;
  }

  /** {@code {providers: {id: {discount, source}}}}; a discount outside (0, 1) or without a source is refused. */
  public static BatchDiscounts fromJson(JsonObject json) {
    Map<String, Discount> byProvider = new LinkedHashMap<>();
    JsonObject providers = json.getJsonObject("providers", new JsonObject());
    for (String provider : providers.fieldNames()) {
      JsonObject entry = providers.getJsonObject(provider);
      double discount = entry.getDouble("discount", 0.0);
      String source = entry.getString("source");
      if (!(discount > 0 && discount < 1) || source == null || source.isBlank()) {
        throw new IllegalArgumentException("batch discount of " + provider
            + " needs a discount between 0 and 1 and a source, got " + entry.encode());
      }
      byProvider.put(provider, new Discount(discount, source));
    }
    return new BatchDiscounts(Map.copyOf(byProvider));
  }

  public Optional<Discount> of(String provider) {
    return Optional.ofNullable(provider == null ? null : byProvider.get(provider));
  }
}
