package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a genai-prices data file must be before it may replace the catalog's snapshot: the shape the
 * catalog reads (providers with models, each with a match rule and prices that parse), and every id
 * our hand-written files name (model families, batch providers) still there. Each broken rule is one
 * problem naming where it is.
 */
final class CatalogImportRules {
  private CatalogImportRules() {}

  static final List<String> TOP_LEVEL_KEYS = List.of("source", "extracted", "units", "providers");

  static List<String> problems(JsonObject candidate, ModelFamilies families, Set<String> batchProviders,
                               LocalDate today) {
    List<String> problems = new ArrayList<>();
    TOP_LEVEL_KEYS.stream().filter(key -> !candidate.containsKey(key))
        .forEach(key -> problems.add("missing top-level key '" + key + "'"));
    if (!(candidate.getValue("providers") instanceof JsonArray providers) || providers.isEmpty()) {
      problems.add("'providers' must be a non-empty list");
      return problems;
    }
    Set<String> providerIds = new HashSet<>();
    for (int i = 0; i < providers.size(); i++) {
      if (!(providers.getValue(i) instanceof JsonObject provider) || isBlank(provider.getValue("id"))) {
        problems.add("providers[" + i + "]: needs an 'id'");
        continue;
      }
      String id = provider.getString("id");
      if (!providerIds.add(id)) {
        problems.add("provider " + id + ": listed twice");
      }
      models(provider, today, problems);
    }
    if (problems.isEmpty()) {
      references(PricingCatalog.fromJson(candidate, families, BatchDiscounts.NONE, today), families, providerIds,
          batchProviders, problems);
    }
    return problems;
  }

  private static void models(JsonObject provider, LocalDate today, List<String> problems) {
    String providerId = provider.getString("id");
    if (!(provider.getValue("models") instanceof JsonArray models) || models.isEmpty()) {
      problems.add("provider " + providerId + ": 'models' must be a non-empty list");
      return;
    }
    Set<String> modelIds = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      if (!(models.getValue(i) instanceof JsonObject model) || isBlank(model.getValue("id"))) {
        problems.add("provider " + providerId + ", models[" + i + "]: needs an 'id'");
        continue;
      }
      String where = "model " + providerId + "/" + model.getString("id");
      if (!modelIds.add(model.getString("id"))) {
        problems.add(where + ": listed twice");
      }
      if (!(model.getValue("match") instanceof JsonObject match)) {
        problems.add(where + ": needs a 'match' rule");
      } else {
        check(where + ": bad 'match' rule", () -> ModelMatcher.compile(match), problems);
      }
      Object prices = model.getValue("prices");
      if (!(prices instanceof JsonObject) && !(prices instanceof JsonArray list && !list.isEmpty())) {
        problems.add(where + ": needs 'prices' (an object or a non-empty list)");
      } else {
        check(where + ": bad 'prices'", () -> SnapshotPrices.resolve(providerId, model, today), problems);
      }
    }
  }

  private static void references(PricingCatalog catalog, ModelFamilies families, Set<String> providerIds,
                                 Set<String> batchProviders, List<String> problems) {
    families.byProvider().forEach((provider, lists) -> lists.stream().flatMap(List::stream).distinct()
        .filter(id -> catalog.byId(provider, id).isEmpty())
        .forEach(id -> problems.add("model-families.json names " + provider + "/" + id
            + ", which this file does not price")));
    batchProviders.stream().filter(p -> !providerIds.contains(p))
        .forEach(p -> problems.add("batch-discounts.json names provider " + p + ", which this file does not list"));
  }

  /** Runs a parse step of the catalog; whatever it throws on this data becomes one problem. */
  private static void check(String problem, Runnable parse, List<String> problems) {
    try {
      parse.run();
    } catch (RuntimeException e) {
      String detail = e instanceof ClassCastException ? "a value has the wrong type" : e.getMessage();
      problems.add(problem + " (" + detail + ")");
    }
  }

  private static boolean isBlank(Object value) {
    return !(value instanceof String s) || s.isBlank();
  }
}
