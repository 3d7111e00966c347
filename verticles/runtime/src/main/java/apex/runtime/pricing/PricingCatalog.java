package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Model prices from the genai-prices snapshot ({@code conf/pricing/}, see its README), resolved for
 * one day. A model the snapshot does not know, or knows without an input price, is not found: the
 * caller reports it as unpriced rather than pricing it at zero.
 */
public final class PricingCatalog {
  public static final String PRICES_RESOURCE = "conf/pricing/genai-prices.json";
  public static final String FAMILIES_RESOURCE = "conf/pricing/model-families.json";
  public static final String BATCH_RESOURCE = "conf/pricing/batch-discounts.json";

  /** A snapshot model: its match test, and its price (null when the snapshot has no input price). */
  private record Entry(String provider, String modelId, Predicate<String> match, ModelPrice price) {}

  private static final int REMEMBERED = 10_000;

  private final List<String> providers;
  private final List<Entry> entries;
  private final ModelFamilies families;
  private final BatchDiscounts batch;
  private final Map<String, Optional<ModelPrice>> found = new ConcurrentHashMap<>();
  private final Map<String, List<ModelPrice>> hosts = new ConcurrentHashMap<>();

  private PricingCatalog(List<String> providers, List<Entry> entries, ModelFamilies families, BatchDiscounts batch) {
    this.providers = providers;
    this.entries = entries;
    this.families = families;
    this.batch = batch;
  }

  /** The snapshot and the families from the classpath, with today's (UTC) prices. */
  public static PricingCatalog load() {
    return load(LocalDate.now(ZoneOffset.UTC));
  }

  /** The snapshot, families and batch discounts from the classpath, with the prices that apply on {@code today}. */
  public static PricingCatalog load(LocalDate today) {
    return fromJson(readResource(PRICES_RESOURCE), ModelFamilies.fromJson(readResource(FAMILIES_RESOURCE)),
        BatchDiscounts.fromJson(readResource(BATCH_RESOURCE)), today);
  }

  /** A snapshot without families or batch discounts, with today's (UTC) prices. */
  public static PricingCatalog fromJson(JsonObject snapshot) {
    return fromJson(snapshot, ModelFamilies.NONE, BatchDiscounts.NONE, LocalDate.now(ZoneOffset.UTC));
  }

  /** A snapshot, families and batch discounts, with the prices that apply on {@code today}. */
  public static PricingCatalog fromJson(JsonObject snapshot, ModelFamilies families, BatchDiscounts batch,
                                        LocalDate today) {
    List<String> providers = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    for (Object p : snapshot.getJsonArray("providers", new JsonArray())) {
      JsonObject provider = (JsonObject) p;
      String providerId = provider.getString("id");
      providers.add(providerId);
      for (Object m : provider.getJsonArray("models", new JsonArray())) {
        JsonObject model = (JsonObject) m;
        entries.add(new Entry(providerId, model.getString("id"), ModelMatcher.compile(model.getJsonObject("match")),
            SnapshotPrices.resolve(providerId, model, today).orElse(null)));
      }
    }
    return new PricingCatalog(List.copyOf(providers), List.copyOf(entries), families, batch);
  }

  /**
   * The price of {@code model} as a provider reports it (case-insensitive). With a provider the
   * catalog knows, only that provider's models are searched; with none (or an unknown one), all of
   * them, the first match in provider order winning.
   */
  public Optional<ModelPrice> find(String provider, String model) {
    if (model == null || model.isBlank()) {
      return Optional.empty();
    }
    return remembered(found, provider, model, () -> search(provider, model));
  }

  private Optional<ModelPrice> search(String provider, String model) {
    String name = model.trim().toLowerCase(Locale.ROOT);
    String scope = knownProvider(provider);
    return entries.stream()
        .filter(e -> scope == null || e.provider().equals(scope))
        .filter(e -> e.match().test(name))
        .findFirst()
        .map(Entry::price);
  }

  /** The catalog model with exactly this id (as the snapshot and the family file spell it). */
  public Optional<ModelPrice> byId(String provider, String modelId) {
    return entries.stream()
        .filter(e -> e.provider().equals(provider) && e.modelId().equals(modelId))
        .findFirst()
        .map(Entry::price);
  }

  /** The next cheaper model of the same family as {@code model}, when the family file lists one. */
  public Optional<ModelPrice> smallerSibling(String provider, String model) {
    return find(provider, model).flatMap(current -> families.smallerThan(current.provider(), current.model())
        .flatMap(siblingId -> byId(current.provider(), siblingId)));
  }

  public ModelFamilies families() {
    return families;
  }

  /** What {@code provider}'s batch API takes off its standard prices, when it has one. */
  public Optional<BatchDiscounts.Discount> batchDiscount(String provider) {
    return batch.of(knownProvider(provider));
  }

  /**
   * The same model as other providers sell it (a provider's own catalog entry matching the
   * model's name), for comparing hosts of one model; empty when the model is unknown.
   */
  public List<ModelPrice> otherHosts(String provider, String model) {
    return remembered(hosts, provider, model, () -> searchOtherHosts(provider, model));
  }

  private List<ModelPrice> searchOtherHosts(String provider, String model) {
    Optional<ModelPrice> current = find(provider, model);
    if (current.isEmpty()) {
      return List.of();
    }
    String name = current.get().model();
    return providers.stream()
        .filter(p -> !p.equals(current.get().provider()))
        .map(p -> entries.stream().filter(e -> e.provider().equals(p) && e.price() != null && e.match().test(name))
            .findFirst().map(Entry::price))
        .flatMap(Optional::stream)
        .toList();
  }

  /**
   * A lookup's answer, remembered per (provider, model) as reported: the catalog never changes and
   * every run asks about the same few models, while each lookup tests every snapshot pattern.
   * At most {@value #REMEMBERED} of each kind are kept (the names come from uploaded data).
   */
  private static <T> T remembered(Map<String, T> answers, String provider, String model, Supplier<T> lookup) {
    String key = provider + "\n" + model;
    T known = answers.get(key);
    if (known != null) {
      return known;
    }
    T answer = lookup.get();
    if (answers.size() < REMEMBERED) {
      answers.put(key, answer);
    }
    return answer;
  }

  private String knownProvider(String provider) {
    if (provider == null) {
      return null;
    }
    String id = provider.trim().toLowerCase(Locale.ROOT);
    return providers.contains(id) ? id : null;
  }

  private static JsonObject readResource(String name) {
    try (InputStream in = PricingCatalog.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("not on the classpath: " + name);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
