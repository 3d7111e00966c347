package apex.node;

import apex.data.ingest.UploadIngest;
import apex.data.ingest.UsageFileParser;
import apex.data.usage.CatalogCost;
import apex.data.usage.UsageWriter;
import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigException;
import apex.runtime.config.ConfigLoader;
import apex.runtime.devservices.DevServices;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.storage.Postgres;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code apex bench ingest}: how fast an upload is parsed and stored, end to end through the same
 * code as {@code POST /api/usage} after the bus ({@link UploadIngest}: stream parse, batches of
 * unnest inserts, one transaction), beside {@code psql \copy} of the same rows into the same table.
 * Loopback only: the dev profile's embedded PostgreSQL (or {@code APEX_PG_URL}). Method and results:
 * docs/BENCHMARKS.md.
 */
@Command(name = "bench-ingest", description = "Ingest benchmark: a generated LiteLLM CSV parsed and stored, beside psql \\copy.")
final class IngestBench implements Callable<Integer> {
  static final int MAX_ROWS = 10_000_000;
  static final int MAX_RUNS = 20;

  @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the generated CSV (default 1,000,000).")
  int rows;

  @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each side; the median is reported (default 3).")
  int runs;

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || rows > MAX_ROWS || runs < 1 || runs > MAX_RUNS) {
      System.err.println("apex: --rows must be 1.." + MAX_ROWS + " and --runs 1.." + MAX_RUNS);
      return ApexNode.EXIT_USAGE;
    }
    ApexConfig config;
    try {
      config = new ConfigLoader(System.getenv()).load(null, Map.of());
    } catch (ConfigException e) {
      System.err.println("apex: the configuration has problems: " + e.problems());
      return ApexNode.EXIT_USAGE;
    }
    Path dir = Files.createTempDirectory("apex-bench-ingest");
    DevServices services = NodeLauncher.startDevServices(config);
    Vertx vertx = Vertx.vertx();
    try {
      Postgres.migrate(vertx, config, "usage").await();
      Pool pool = Postgres.pool(vertx, config);
      Path csv = dir.resolve("litellm-spend.csv");
      LiteLlmCsv.write(csv, rows);
      UsageFileParser parser = new UsageFileParser(CatalogCost.of(PricingCatalog.load()));
      System.out.printf("ingest bench: %,d LiteLLM rows (%.1f MB), %d runs, %d cores, max heap %d MB, %s%n", rows,
          Files.size(csv) / 1e6, runs, Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20, pool.query("SELECT version()").execute().await()
              .iterator().next().getString(0));
      List<Double> apex = apexRuns(vertx, pool, Postgres.jdbc(config), parser, csv);
      List<Double> copy = copyRuns(pool, parser, csv, dir, config.string("pg.url"));
      report(apex, copy);
      pool.close().await();
      return 0;
    } finally {
      vertx.close().await();
      if (services != null) {
        services.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private List<Double> apexRuns(Vertx vertx, Pool pool, Postgres.Jdbc jdbc, UsageFileParser parser, Path csv)
      throws IOException {
    UsageWriter writer = new UsageWriter(vertx, jdbc);
    List<Double> seconds = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      String user = "bench-" + UUID.randomUUID();
      resetPeakHeap();
      long start = System.nanoTime();
      UploadIngest.Outcome outcome;
      try (InputStream in = Files.newInputStream(csv)) {
        Promise<UploadIngest.Outcome> done = Promise.promise();
        vertx.runOnContext(v -> new UploadIngest(vertx, parser, writer, user, "bench.csv")
            .run(in, "text/csv", "bench.csv").onComplete(done));
        outcome = done.future().await();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (outcome.stored() == null || outcome.stored().rows() != rows) {
        throw new IllegalStateException("the bench file was not stored whole: " + outcome.parsed().problems());
      }
      seconds.add(elapsed);
      System.out.printf("  apex run %d: %6.2f s  %,9.0f rows/s  peak heap %,d MB%n", run, elapsed, rows / elapsed,
          peakHeapMb());
      deleteUser(pool, user);
    }
    return seconds;
  }

  private List<Double> copyRuns(Pool pool, UsageFileParser parser, Path csv, Path dir, String pgUrl) throws Exception {
    Optional<Path> psql = PsqlCopy.find();
    if (psql.isEmpty()) {
      System.out.println("  psql not found (PATH, /usr/lib/postgresql/*/bin): the psql \\copy baseline is skipped;"
          + " install it with apt-get install -y postgresql-client");
      return List.of();
    }
    String user = "bench-copy-" + UUID.randomUUID();
    String uploadId = "upl_bench_" + UUID.randomUUID();
    Path table = dir.resolve("table.csv");
    PsqlCopy.writeTableCsv(parser, csv, table, user, uploadId);
    List<Double> seconds = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      pool.preparedQuery("INSERT INTO usage.uploads (id, user_id, source, rows) VALUES ($1, $2, 'bench', $3)")
          .execute(Tuple.of(uploadId, user, rows)).await();
      double elapsed = PsqlCopy.copySeconds(psql.get(), pgUrl, table);
      seconds.add(elapsed);
      System.out.printf("  psql \\copy run %d: %6.2f s  %,9.0f rows/s%n", run, elapsed, rows / elapsed);
      deleteUser(pool, user);
    }
    return seconds;
  }

  private void report(List<Double> apex, List<Double> copy) {
    double apexMedian = median(apex);
    System.out.printf("%n| path | median s | rows/s |%n|---|---|---|%n| apex parse + store | %.2f | %,.0f |%n",
        apexMedian, rows / apexMedian);
    if (!copy.isEmpty()) {
      double copyMedian = median(copy);
      System.out.printf("| psql \\copy | %.2f | %,.0f |%n%napex / psql \\copy: %.2f%n", copyMedian, rows / copyMedian,
          copyMedian / apexMedian);
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void deleteUser(Pool pool, String user) {
    pool.preparedQuery("DELETE FROM usage.usage_records WHERE upload_id IN (SELECT id FROM usage.uploads WHERE user_id = $1)")
        .execute(Tuple.of(user)).await();
    pool.preparedQuery("DELETE FROM usage.uploads WHERE user_id = $1").execute(Tuple.of(user)).await();
  }

  private static void resetPeakHeap() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** Sum of the heap pools' peaks since the reset: an upper bound of the heap the run needed. */
  private static long peakHeapMb() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
  }
}
