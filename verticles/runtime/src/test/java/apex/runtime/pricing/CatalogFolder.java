package apex.runtime.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A copy of the real catalog folder (snapshot, families, batch discounts) for tests that import into one. */
public final class CatalogFolder {
  private CatalogFolder() {}

  /** Copies the three catalog files from the classpath into {@code dir}; returns the snapshot's path. */
  public static Path copyInto(Path dir) throws IOException {
    for (String resource : List.of(PricingCatalog.PRICES_RESOURCE, PricingCatalog.FAMILIES_RESOURCE,
        PricingCatalog.BATCH_RESOURCE)) {
      try (InputStream in = CatalogFolder.class.getClassLoader().getResourceAsStream(resource)) {
        Files.write(dir.resolve(Path.of(resource).getFileName()), in.readAllBytes());
      }
    }
    return dir.resolve(CatalogImport.SNAPSHOT_FILE);
  }
}
