package apex.node;

import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.demo.PlantedSaving;
import apex.data.demo.UsageCsv;
import apex.runtime.pricing.PricingCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code apex demo-data}: the demo account's generated usage as a CSV Apex's upload accepts, and the
 * manifest of the true savings planted in it (docs/ANALYSIS.md); with {@code --user}, also uploads it
 * to a running Apex. Exits 2 on a bad command line, 1 when writing or uploading fails.
 */
@Command(name = "demo-data", mixinStandardHelpOptions = true,
    description = "Write deterministic demo usage with planted inefficiencies (CSV) and the manifest of their "
        + "true savings (JSON); with --user, upload it to a running Apex.")
final class DemoDataCommand implements Callable<Integer> {
  private static final long MIN_UPLOAD_BYTES = 4_096;

  @Option(names = "--rows", defaultValue = "33600", description = "Ordinary rows over the whole range (default 33,600).")
  int rows;

  @Option(names = "--days", defaultValue = "42", description = "UTC days ending with --last-day (default 42).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
  long seed;

  @Option(names = "--last-day", description = "Last UTC day, YYYY-MM-DD (default today).")
  LocalDate lastDay;

  @Option(names = "--out", defaultValue = "demo-usage.csv", description = "CSV file to write (default demo-usage.csv).")
  Path out;

  @Option(names = "--manifest", defaultValue = "demo-manifest.json",
      description = "Manifest file to write (default demo-manifest.json).")
  Path manifest;

  @Option(names = "--user", description = "Upload as this user (email).")
  String user;

  @Option(names = "--password", description = "The user's password.")
  String password;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Apex to upload to.")
  URI url;

  @Option(names = "--max-upload-bytes", defaultValue = "20971520",
      description = "Split the upload into files of at most this size (the server's usage.max_upload_bytes).")
  long maxUploadBytes;

  @Override
  public Integer call() {
    String problem = problem();
    if (problem != null) {
      System.err.println("apex demo-data: " + problem);
      return ApexNode.EXIT_USAGE;
    }
    LocalDate last = lastDay != null ? lastDay : LocalDate.now(ZoneOffset.UTC);
    DemoUsage demo;
    try {
      demo = new DemoUsageGenerator().generate(seed, days, rows, last, PricingCatalog.load(last));
    } catch (IllegalArgumentException e) {
      System.err.println("apex demo-data: " + e.getMessage());
      return ApexNode.EXIT_USAGE;
    }
    try {
      Files.writeString(out, UsageCsv.of(demo.records()));
      Files.writeString(manifest, demo.manifest().toJson().encodePrettily() + "\n");
    } catch (IOException e) {
      System.err.println("apex demo-data: cannot write " + e.getMessage());
      return 1;
    }
    printSummary(demo);
    if (user == null) {
      return 0;
    }
    try {
      new UsageUploader(url).upload(user, password, UsageCsv.chunks(demo.records(), maxUploadBytes));
      return 0;
    } catch (UsageUploader.UploadException e) {
      System.err.println("apex demo-data: " + e.getMessage());
      return 1;
    }
  }

  /** What is wrong with the command line beyond what picocli checks, or null. */
  private String problem() {
    if (user != null && (password == null || password.isEmpty())) {
      return "--password is required with --user";
    }
    if (maxUploadBytes < MIN_UPLOAD_BYTES) {
      return "--max-upload-bytes must be at least " + MIN_UPLOAD_BYTES + ", got " + maxUploadBytes;
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
      return "--url must be an http(s) URL such as http://127.0.0.1:8080, got " + url;
    }
    return null;
  }

  private void printSummary(DemoUsage demo) {
    var m = demo.manifest();
    System.out.printf(Locale.ROOT, "wrote %,d rows (%s to %s, $%,.2f; $%,.2f a month) to %s%n", m.generatedRows(),
        m.firstDay(), m.lastDay(), m.totalCostUsd(), m.monthlySpendUsd(), out);
    System.out.printf(Locale.ROOT, "wrote the manifest (%d planted savings, $%,.2f a month) to %s%n",
        m.planted().size(), m.planted().stream().mapToDouble(PlantedSaving::monthlySavingsUsd).sum(), manifest);
  }
}
