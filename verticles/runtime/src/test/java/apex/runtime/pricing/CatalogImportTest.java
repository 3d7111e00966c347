package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An import against a copy of the real catalog folder: the checks, the counts, and what lands on disk. */
class CatalogImportTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

  @TempDir
  Path dir;

  private JsonObject snapshot;
  private byte[] snapshotBytes;

  @BeforeEach
  void copyTheCatalog() throws IOException {
    snapshotBytes = Files.readAllBytes(CatalogFolder.copyInto(dir));
    snapshot = new JsonObject(new String(snapshotBytes, StandardCharsets.UTF_8));
  }

  @Test
  void validFileReplacesTheSnapshotAndCountsWhatChanged() throws IOException {
    String candidate = changed(s -> {
      JsonArray openai = provider(s, "openai").getJsonArray("models");
      openai.add(model("gpt-next", 1, 2));
      openai.remove(modelIndex(openai, "ada"));
      model(s, "deepseek", "deepseek-chat").put("prices", new JsonObject().put("input_mtok", 0.1).put("output_mtok", 0.2));
      s.getJsonArray("providers").add(new JsonObject().put("id", "newco").put("name", "NewCo")
          .put("models", new JsonArray().add(model("newco-1", 3, 4))));
      return s.put("extracted", "2026-12-01");
    });

    CatalogImportDiff diff = new CatalogImport(dir, TODAY).apply(candidate);

    assertEquals(14, diff.providersBefore());
    assertEquals(15, diff.providersAfter());
    assertEquals(List.of("newco"), diff.providersAdded());
    assertEquals(List.of(), diff.providersRemoved());
    assertEquals(524, diff.modelsBefore());
    assertEquals(525, diff.modelsAfter());
    assertEquals(List.of("openai/gpt-next", "newco/newco-1"), diff.modelsAdded());
    assertEquals(List.of("openai/ada"), diff.modelsRemoved());
    assertEquals(List.of("deepseek/deepseek-chat"), diff.pricesChanged());
    assertTrue(diff.describe().contains("models:    524 -> 525 (2 added, 1 removed, 1 price changed)"), diff.describe());
    assertEquals(candidate, Files.readString(dir.resolve(CatalogImport.SNAPSHOT_FILE)));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(3, files.count(), "no temporary file is left behind");
    }
    PricingCatalog imported = PricingCatalog.fromJson(new JsonObject(candidate));
    assertEquals(3, imported.find("newco", "newco-1").orElseThrow().input().base());
  }

  @Test
  void dryRunReportsTheChangesAndWritesNothing() throws IOException {
    String candidate = changed(s -> {
      model(s, "deepseek", "deepseek-chat").put("prices", new JsonObject().put("input_mtok", 0.1));
      return s;
    });

    CatalogImportDiff diff = new CatalogImport(dir, TODAY).check(candidate);

    assertEquals(List.of("deepseek/deepseek-chat"), diff.pricesChanged());
    assertEquals(List.of(), diff.modelsAdded());
    assertUnchanged();
  }

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of("not JSON", (UnaryOperator<String>) s -> "{\"providers\": [", "not a JSON object"),
        Arguments.of("a JSON list", (UnaryOperator<String>) s -> "[]", "not a JSON object"),
        Arguments.of("no units", edit(s -> { s.remove("units"); return s; }), "missing top-level key 'units'"),
        Arguments.of("no providers", edit(s -> s.put("providers", new JsonArray())), "'providers' must be a non-empty list"),
        Arguments.of("a provider without id", edit(s -> { provider(s, "cohere").remove("id"); return s; }),
            "providers[6]: needs an 'id'"),
        Arguments.of("a provider without models", edit(s -> { provider(s, "groq").remove("models"); return s; }),
            "provider groq: 'models' must be a non-empty list"),
        Arguments.of("a model without match", edit(s -> { model(s, "openai", "ada").remove("match"); return s; }),
            "model openai/ada: needs a 'match' rule"),
        Arguments.of("an unknown match clause", edit(s -> { model(s, "openai", "ada").put("match",
            new JsonObject().put("fuzzy", "ada")); return s; }), "model openai/ada: bad 'match' rule (unknown match clause: fuzzy)"),
        Arguments.of("a model without prices", edit(s -> { model(s, "openai", "ada").remove("prices"); return s; }),
            "model openai/ada: needs 'prices'"),
        Arguments.of("a price that is not a number", edit(s -> { model(s, "openai", "ada").put("prices",
            new JsonObject().put("input_mtok", "cheap")); return s; }), "model openai/ada: bad 'prices' (not a price: cheap)"),
        Arguments.of("a model listed twice", edit(s -> { provider(s, "openai").getJsonArray("models")
            .add(model("ada", 1, 1)); return s; }), "model openai/ada: listed twice"),
        Arguments.of("a family model gone", edit(s -> { JsonArray openai = provider(s, "openai").getJsonArray("models");
            openai.remove(modelIndex(openai, "gpt-4o-mini")); return s; }),
            "model-families.json names openai/gpt-4o-mini, which this file does not price"),
        Arguments.of("a batch provider gone", edit(s -> { s.getJsonArray("providers").remove(provider(s, "aws")); return s; }),
            "batch-discounts.json names provider aws, which this file does not list"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void refusesAnInvalidFileNamingTheProblemAndLeavesTheCatalogUnchanged(String kind, UnaryOperator<String> make,
                                                                          String problem) throws IOException {
    String candidate = make.apply(snapshot.encode());

    CatalogImport.Refused refused = assertThrows(CatalogImport.Refused.class,
        () -> new CatalogImport(dir, TODAY).apply(candidate));

    assertTrue(refused.problems().stream().anyMatch(p -> p.contains(problem)), kind + ": " + refused.problems());
    assertUnchanged();
  }

  private void assertUnchanged() throws IOException {
    assertArrayEquals(snapshotBytes, Files.readAllBytes(dir.resolve(CatalogImport.SNAPSHOT_FILE)));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(3, files.count());
    }
  }

  private String changed(UnaryOperator<JsonObject> change) {
    return change.apply(snapshot.copy()).encodePrettily();
  }

  private static UnaryOperator<String> edit(UnaryOperator<JsonObject> change) {
    return text -> change.apply(new JsonObject(text)).encode();
  }

  private static JsonObject provider(JsonObject snapshot, String id) {
    return snapshot.getJsonArray("providers").stream().map(JsonObject.class::cast)
        .filter(p -> id.equals(p.getString("id"))).findFirst().orElseThrow();
  }

  private static JsonObject model(JsonObject snapshot, String provider, String id) {
    JsonArray models = provider(snapshot, provider).getJsonArray("models");
    return models.getJsonObject(modelIndex(models, id));
  }

  private static int modelIndex(JsonArray models, String id) {
    for (int i = 0; i < models.size(); i++) {
      if (id.equals(models.getJsonObject(i).getString("id"))) {
        return i;
      }
    }
    throw new IllegalArgumentException("no model " + id);
  }

  private static JsonObject model(String id, double input, double output) {
    return new JsonObject().put("id", id).put("match", new JsonObject().put("equals", id))
        .put("prices", new JsonObject().put("input_mtok", input).put("output_mtok", output));
  }
}
