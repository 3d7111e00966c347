package apex.runtime.pricing;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Replaces the catalog's genai-prices snapshot in a {@code conf/pricing} folder with a newer data
 * file, after checking it against the catalog's rules ({@link CatalogImportRules}). The file is
 * written as given (the snapshot stays the upstream data, unchanged), through a temporary file
 * moved into place, so a reader never sees half a snapshot and a refused file changes nothing.
 */
public final class CatalogImport {
  public static final String SNAPSHOT_FILE = fileName(PricingCatalog.PRICES_RESOURCE);
  static final String FAMILIES_FILE = fileName(PricingCatalog.FAMILIES_RESOURCE);
  static final String BATCH_FILE = fileName(PricingCatalog.BATCH_RESOURCE);

  /** The new file may not replace the snapshot; every problem found is listed. */
  public static final class Refused extends RuntimeException {
    private final List<String> problems;

    Refused(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private final Path dir;
  private final LocalDate today;

  /** @param dir a catalog folder: {@code genai-prices.json}, {@code model-families.json}, {@code batch-discounts.json} */
  public CatalogImport(Path dir, LocalDate today) {
    this.dir = dir;
    this.today = today;
  }

  /** What {@code candidateText} would change; writes nothing. */
  public CatalogImportDiff check(String candidateText) {
    JsonObject candidate = parse(candidateText, "the new file");
    JsonObject families = read(FAMILIES_FILE);
    JsonObject batch = read(BATCH_FILE);
    List<String> problems = CatalogImportRules.problems(candidate, ModelFamilies.fromJson(families),
        Set.copyOf(batch.getJsonObject("providers", new JsonObject()).fieldNames()), today);
    if (!problems.isEmpty()) {
      throw new Refused(problems);
    }
    return CatalogImportDiff.between(read(SNAPSHOT_FILE), candidate);
  }

  /** Checks {@code candidateText}, then makes it the snapshot. */
  public CatalogImportDiff apply(String candidateText) {
    CatalogImportDiff diff = check(candidateText);
    Path target = dir.resolve(SNAPSHOT_FILE);
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, SNAPSHOT_FILE, ".tmp");
      Files.writeString(temp, candidateText, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return diff;
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new Refused(List.of("cannot write " + target + " (" + e.getMessage() + ")"));
    }
  }

  private JsonObject read(String file) {
    Path path = dir.resolve(file);
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw new Refused(List.of("cannot read " + path + " (" + e.getMessage() + ")"));
    }
  }

  private static JsonObject parse(String text, String what) {
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Refused(List.of(what + " is not a JSON object (" + e.getMessage().lines().findFirst().orElse("") + ")"));
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the move failed already; that is the error worth reporting
      }
    }
  }

  private static String fileName(String resource) {
    return Path.of(resource).getFileName().toString();
  }
}
