package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-written families from {@code conf/pricing/model-families.json}: per provider, lists of
 * catalog model ids of one family, largest first. A model's smaller sibling is the next id in the
 * first family that lists it.
 */
public final class ModelFamilies {
  public static final ModelFamilies NONE = new ModelFamilies(Map.of());

  private final Map<String, List<List<String>>> byProvider;

  private ModelFamilies(Map<String, List<List<String>>> byProvider) {
    this.byProvider = byProvider;
  }

  /** {@code {families: {provider: [[largest, ..., smallest], ...]}}} */
  public static ModelFamilies fromJson(JsonObject json) {
    Map<String, List<List<String>>> byProvider = new LinkedHashMap<>();
    JsonObject families = json.getJsonObject("families", new JsonObject());
    for (String provider : families.fieldNames()) {
      List<List<String>> lists = new ArrayList<>();
      for (Object family : families.getJsonArray(provider)) {
        lists.add(((JsonArray) family).stream().map(String.class::cast).toList());
      }
      byProvider.put(provider, List.copyOf(lists));
    }
    return new ModelFamilies(Map.copyOf(byProvider));
  }

  /** The id listed after {@code modelId} in the first family of {@code provider} that lists it. */
  public Optional<String> smallerThan(String provider, String modelId) {
    for (List<String> family : byProvider.getOrDefault(provider, List.of())) {
      int at = family.indexOf(modelId);
      if (at >= 0) {
        return at + 1 < family.size() ? Optional.of(family.get(at + 1)) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Every (provider, model id) the file names, for checking them against the catalog. */
  public Map<String, List<List<String>>> byProvider() {
    return byProvider;
  }
}
