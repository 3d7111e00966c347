package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a new snapshot changes against the current one. Models are {@code provider/id}; a price
 * change is any difference in a model's {@code prices} as written (future-dated entries included),
 * not only in today's price.
 */
public record CatalogImportDiff(String source, String extracted, int providersBefore, int providersAfter,
                                int modelsBefore, int modelsAfter, List<String> providersAdded,
                                List<String> providersRemoved, List<String> modelsAdded, List<String> modelsRemoved,
                                List<String> pricesChanged) {

  /** Names listed per change before the rest is counted, so a first import stays readable. */
  static final int LISTED = 20;

  static CatalogImportDiff between(JsonObject current, JsonObject candidate) {
    Map<String, Object> before = pricesByModel(current);
    Map<String, Object> after = pricesByModel(candidate);
    List<String> providersBefore = providerIds(current);
    List<String> providersAfter = providerIds(candidate);
    return new CatalogImportDiff(String.valueOf(candidate.getValue("source")),
        String.valueOf(candidate.getValue("extracted")), providersBefore.size(), providersAfter.size(),
        before.size(), after.size(), missingFrom(providersBefore, providersAfter),
        missingFrom(providersAfter, providersBefore), missingFrom(before.keySet(), after.keySet()),
        missingFrom(after.keySet(), before.keySet()),
        after.keySet().stream().filter(before::containsKey).filter(m -> !after.get(m).equals(before.get(m))).toList());
  }

  /** The summary a person reads before and after an import. */
  public String describe() {
    StringBuilder out = new StringBuilder()
        .append("source:    ").append(source).append(", extracted ").append(extracted).append('\n')
        .append("providers: ").append(providersBefore).append(" -> ").append(providersAfter).append('\n')
        .append("models:    ").append(modelsBefore).append(" -> ").append(modelsAfter)
        .append(" (").append(modelsAdded.size()).append(" added, ").append(modelsRemoved.size()).append(" removed, ")
        .append(pricesChanged.size()).append(" price changed)\n");
    list(out, "providers added", providersAdded);
    list(out, "providers removed", providersRemoved);
    list(out, "models added", modelsAdded);
    list(out, "models removed", modelsRemoved);
    list(out, "price changed", pricesChanged);
    return out.toString();
  }

  private static void list(StringBuilder out, String label, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    out.append(label).append(": ").append(String.join(", ", names.subList(0, Math.min(LISTED, names.size()))));
    if (names.size() > LISTED) {
      out.append(" and ").append(names.size() - LISTED).append(" more");
    }
    out.append('\n');
  }

  private static List<String> missingFrom(Collection<String> reference, Collection<String> names) {
    return names.stream().filter(n -> !reference.contains(n)).toList();
  }

  private static List<String> providerIds(JsonObject snapshot) {
    List<String> ids = new ArrayList<>();
    snapshot.getJsonArray("providers", new JsonArray()).forEach(p -> ids.add(((JsonObject) p).getString("id")));
    return ids;
  }

  private static Map<String, Object> pricesByModel(JsonObject snapshot) {
    Map<String, Object> prices = new LinkedHashMap<>();
    snapshot.getJsonArray("providers", new JsonArray()).forEach(p -> {
      JsonObject provider = (JsonObject) p;
      provider.getJsonArray("models", new JsonArray()).forEach(m -> {
        JsonObject model = (JsonObject) m;
        prices.put(provider.getString("id") + "/" + model.getString("id"), model.getValue("prices"));
      });
    });
    return prices;
  }
}
