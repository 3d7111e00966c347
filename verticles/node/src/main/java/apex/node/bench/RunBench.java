package apex.node.bench;

import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.usage.AggregateCache;
import apex.data.usage.AnalysisSql;
import apex.data.usage.UsageWriter;
import apex.node.NodeLauncher.RunningNode;
import apex.node.NodeLauncher;
import apex.node.Role;
import apex.runtime.config.ApexConfig;
import apex.runtime.devservices.DevServices;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.storage.Postgres;
import apex.runtime.storage.RedisStore;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code apex bench run}: how long a full run (triage → data → optimizer → report) takes over one
 * user with a million usage rows in a 30-day window, beside the same queries run directly in psql.
 *
 * <p>Starts throw-away PostgreSQL and Redis and one node with every verticle, signs a user up
 * through the REST API, stores generated usage for them (the last 30 UTC days up to today), logs in
 * and asks "Analyze my AI costs for the last 30 days" over the WebSocket, timing each run from the
 * {@code user_message} to its {@code run_completed}. A <em>cold</em> run has its aggregates
 * recomputed (the user's data version is bumped before it, as an upload does); a <em>warm</em> run
 * reads them from the cache. One unmeasured cold run goes first, so the JVM's warm-up is in no
 * figure. Then the baseline: the run's queries ({@link AnalysisSql#RUN}) in psql on the same
 * database, user and window. Everything it started is stopped, also when it fails.
 */
@Command(name = "bench-run", mixinStandardHelpOptions = true,
    description = "Time full analysis runs over generated usage (cold and cached) beside the same SQL in psql.")
public final class RunBench implements Callable<Integer> {
  static final int EXIT_USAGE = BenchCommandLine.EXIT_USAGE;
  static final String QUESTION = "Analyze my AI costs for the last 30 days";
  static final int WINDOW_DAYS = 30;
  static final double TARGET_MS = 1_500;
  private static final int MAX_ROWS = 5_000_000;
  static final Map<String, String> LIFTED_LIMITS = Map.of("runs.timeout_ms", "900000",
      "breakers.data.timeout_ms", "600000");

  @Option(names = "--rows", defaultValue = "1000000",
      description = "Generated usage rows over the 30 days (default 1,000,000; the generator adds its planted retries).")
  int rows;

  @Option(names = "--runs", defaultValue = "7", description = "Measured runs of each kind, and psql rounds (default 7).")
  int runs;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default 42).")
  long seed;

  @Option(names = "--psql", description = "psql to use (default: the first on the PATH).")
  Path psql;

  @Option(names = "--wait-seconds", defaultValue = "180",
      description = "Longest wait for any one reply or run frame (default 180).")
  int waitSeconds;

  private final PrintStream out;

  public RunBench() {
    this(System.out);
  }

  RunBench(PrintStream out) {
    this.out = out;
  }

  /** Parses {@code args} and runs the benchmark: 0 done, 1 failed, 2 bad command line. */
  public static int run(String... args) {
    return BenchCommandLine.execute("apex bench run", new RunBench(), args);
  }

  /** What is wrong with the command line beyond what picocli checks, or null. */
  String problem() {
    if (rows < WINDOW_DAYS || rows > MAX_ROWS) {
      return "--rows must be between " + WINDOW_DAYS + " and " + MAX_ROWS + ", got " + rows;
    }
    if (runs < 1) {
      return "--runs must be at least 1, got " + runs;
    }
    if (waitSeconds < 1) {
      return "--wait-seconds must be at least 1, got " + waitSeconds;
    }
    return null;
  }

  @Override
  public Integer call() {
    String problem = problem();
    if (problem != null) {
      System.err.println("apex bench run: " + problem);
      return EXIT_USAGE;
    }
    DevServices services = null;
    RunningNode node = null;
    RunBenchClient client = null;
    try {
      services = DevServices.startEphemeral();
      node = NodeLauncher.start(config(services), Role.all(), 1).await();
      client = new RunBenchClient(node.httpPort(), waitSeconds);
      measure(node, services, client);
      return 0;
    } catch (Exception e) {
      System.err.println("apex bench run: failed: " + e);
      return 1;
    } finally {
      if (client != null) {
        client.close();
      }
      if (node != null) {
        node.close().await();
      }
      if (services != null) {
        services.close();
      }
    }
  }

  private void measure(RunningNode node, DevServices services, RunBenchClient client) throws Exception {
    String email = "runbench-" + UUID.randomUUID() + "@example.com";
    String password = UUID.randomUUID().toString(); // a throw-away account on throw-away databases
    String userId = client.signup(email, password);
    LocalDate last = LocalDate.now(ZoneOffset.UTC);
    LocalDate first = last.minusDays(WINDOW_DAYS - 1L);
    long stored = load(node, userId, last);
    // Logged in only now: loading can outlast an access token.
    RunBenchClient.Account account = client.login(email, password);
    if (!userId.equals(account.userId())) {
      throw new IllegalStateException("login answered user " + account.userId() + ", signup " + userId);
    }
    client.connect(account.accessToken());
    AggregateCache cache = new AggregateCache(RedisStore.api(node.vertx(), node.config()));

    out.println("limits lifted so a slow run still completes: " + new TreeMap<>(LIFTED_LIMITS));
    out.println("warm-up: one cold run, not measured");
    ask(client, cache, userId, true);
    List<RunBenchClient.Run> cold = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      cold.add(ask(client, cache, userId, true));
      out.printf(Locale.ROOT, "cold run %d: %,.0f ms%n", i + 1, ms(cold.get(i)));
    }
    List<RunBenchClient.Run> warm = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      warm.add(ask(client, cache, userId, false));
      out.printf(Locale.ROOT, "warm run %d: %,.0f ms%n", i + 1, ms(warm.get(i)));
    }
    List<RunBenchPsql.Round> rounds = psqlRounds(services, userId, first, last);
    new RunBenchReport(out, runs).print(stored, first, last, cold, warm, rounds);
  }

  /** One run; a cold one first bumps the user's data version, so no cached aggregate matches it. */
  private RunBenchClient.Run ask(RunBenchClient client, AggregateCache cache, String userId, boolean cold) {
    if (cold) {
      cache.bump(userId).await();
    }
    RunBenchClient.Run run = client.ask("bench-" + UUID.randomUUID(), QUESTION);
    if (!run.completed()) {
      throw new IllegalStateException("run failed: " + run.last().encode());
    }
    if (run.last().getBoolean("degraded", false)) {
      // A fallback answered for some stage: the time is not that of a full run; say so, loudly.
      out.println("WARNING: a degraded run (a stage fell back): " + run.frames().stream()
          .filter(f -> "degraded".equals(f.getString("status"))).map(f -> f.getString("agent") + ": "
              + f.getString("reason")).toList());
    }
    List<String> dataTools = run.frames().stream()
        .filter(f -> "tool_completed".equals(f.getString("type")) && "data".equals(f.getString("agent")))
        .map(f -> f.getString("tool")).toList();
    if (cold == dataTools.contains("read_cache")) {
      throw new IllegalStateException((cold ? "a cold run read the cache" : "a warm run missed the cache")
          + ": data tools " + dataTools);
    }
    return run;
  }

  /** Generates and stores the user's usage, then analyses the table as autovacuum would after a load. */
  private long load(RunningNode node, String userId, LocalDate last) {
    long start = System.nanoTime();
    out.printf(Locale.ROOT, "generating %,d rows over %d days to %s …%n", rows, WINDOW_DAYS, last);
    DemoUsage demo = new DemoUsageGenerator().generate(seed, WINDOW_DAYS, rows, last, PricingCatalog.load(last));
    out.printf(Locale.ROOT, "storing %,d rows …%n", demo.records().size());
    Pool pool = Postgres.pool(node.vertx(), node.config());
    try {
      UsageWriter.Upload upload = new UsageWriter(node.vertx(), Postgres.jdbc(node.config()))
          .write(userId, "runbench", "demo", demo.records()).await();
      // Fresh statistics and visibility map, the state autovacuum reaches shortly after a big
      // upload; without them the first runs would measure the planner's guesses on an unknown table.
      pool.query("VACUUM ANALYZE usage.usage_records").execute().await();
      out.printf(Locale.ROOT, "stored %,d rows in %,.1f s%n", upload.rows(), (System.nanoTime() - start) / 1e9);
      return upload.rows();
    } finally {
      pool.close().await();
    }
  }

  private List<RunBenchPsql.Round> psqlRounds(DevServices services, String userId, LocalDate first, LocalDate last)
      throws IOException, InterruptedException {
    Path found = RunBenchPsql.find(psql);
    if (found == null) {
      out.println(psql != null ? "psql baseline SKIPPED: " + psql + " is not an executable"
          : "psql baseline SKIPPED: no psql on the PATH (apt-get install postgresql-client, or --psql PATH)");
      return List.of();
    }
    RunBenchPsql baseline = new RunBenchPsql(found, URI.create(services.pgUrl()));
    List<RunBenchPsql.Round> rounds = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      rounds.add(baseline.round(userId, first, last));
      out.printf(Locale.ROOT, "psql round %d: %,.0f ms%n", i + 1, rounds.get(i).totalMs());
    }
    return rounds;
  }

  /**
   * The bench's config, on a free HTTP port. The deployed limits (a run 60 s, a data call 30 s)
   * would turn a slow run into a failed or degraded one; the bench wants the time a full run takes,
   * so it lifts them and says so.
   */
  static ApexConfig config(DevServices services) {
    Map<String, String> overrides = new LinkedHashMap<>(LIFTED_LIMITS);
    overrides.put("http.port", "0");
    return BenchConfig.of(services, overrides);
  }

  static double ms(RunBenchClient.Run run) {
    return run.elapsedNanos() / 1e6;
  }

}
