package apex.node;

import apex.runtime.pricing.CatalogImport;
import apex.runtime.pricing.CatalogImportDiff;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

/**
 * {@code apex pricing import FILE}: replaces the pricing catalog's genai-prices snapshot with a newer
 * data file after checking it. A usage mistake exits 2, a file that may not replace the snapshot 1;
 * either way the catalog is left as it was.
 */
@Command(name = "pricing", description = "Maintain the pricing catalog (conf/pricing).",
    subcommands = PricingCommand.Import.class)
final class PricingCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    System.err.println("apex: pricing needs a subcommand");
    spec.commandLine().usage(System.err);
    return ApexNode.EXIT_USAGE;
  }

  @Command(name = "import", description = "Check a newer genai-prices data file, show what it changes, and make it "
      + "the catalog's snapshot. A running node reads the catalog from its jar: rebuild and restart it.")
  static final class Import implements Callable<Integer> {
    static final int EXIT_INVALID = 1;

    @Parameters(paramLabel = "FILE", description = "The data file, in the shape of conf/pricing/genai-prices.json.")
    Path file;

    // scripts/apex sets apex.pricing.dir to the project's conf/pricing, so FILE may be relative to any folder.
    @Option(names = "--dir", defaultValue = "${sys:apex.pricing.dir:-conf/pricing}",
        description = "The catalog folder (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--dry-run", description = "Check and show the changes, write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        System.err.println("apex: cannot read " + file);
        return ApexNode.EXIT_USAGE;
      }
      if (!Files.isRegularFile(dir.resolve(CatalogImport.SNAPSHOT_FILE))) {
        System.err.println("apex: " + dir + " is not a pricing catalog (no " + CatalogImport.SNAPSHOT_FILE
            + "); give the folder with --dir");
        return ApexNode.EXIT_USAGE;
      }
      CatalogImport catalog = new CatalogImport(dir, LocalDate.now(ZoneOffset.UTC));
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        CatalogImportDiff diff = dryRun ? catalog.check(text) : catalog.apply(text);
        System.out.print(diff.describe());
        System.out.println(dryRun ? "dry run: nothing written"
            : "wrote " + dir.resolve(CatalogImport.SNAPSHOT_FILE) + "; restart running nodes to use it "
                + "(scripts/apex rebuilds the jar first)");
        return 0;
      } catch (CatalogImport.Refused e) {
        System.err.println("apex: " + file + " refused, the catalog is unchanged (" + e.problems().size()
            + " problem(s)):");
        e.problems().forEach(p -> System.err.println("  - " + p));
        return EXIT_INVALID;
      } catch (IOException e) {
        System.err.println("apex: cannot read " + file + " (" + e.getMessage() + ")");
        return ApexNode.EXIT_USAGE;
      }
    }
  }
}
