package apex.node.bench;

import apex.contracts.stage.Window;
import apex.data.demo.DemoUsage;
import apex.data.demo.DemoUsageGenerator;
import apex.data.usage.AggregateCache;
import apex.data.usage.UsageAnalysis;
import apex.data.usage.UsageWriter;
import apex.node.NodeProcess;
import apex.node.Watchdog;
import apex.runtime.config.ApexConfig;
import apex.runtime.devservices.DevServices;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.storage.Postgres;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code apex bench chat}: N WebSocket users at once, each logged in through the real REST login,
 * asking for analyses back to back on a node JVM (or a three-node cluster) started here on
 * loopback, beside a bare Vert.x WebSocket echo server measured with the same clients first.
 *
 * <p>PostgreSQL and Redis run in this JVM's embedded services; the measured nodes and the echo
 * server are child JVMs, so their RSS is their own. Each user is signed up through the REST API and
 * given the same generated usage as rows of their own (written straight to the database, as the run
 * bench does: setup, not measured). With {@code --nodes 1,3} both layouts are measured in one
 * invocation over the same users and data, the aggregate cache emptied in between. Exits 0 when the
 * bench ran (a missed target is reported, not an error), 1 when it broke, 2 on a bad command line.
 */
@Command(name = "bench-chat", mixinStandardHelpOptions = true,
    description = "N concurrent WebSocket users running analyses on one node or a three-node cluster, "
        + "beside a bare Vert.x WebSocket echo baseline.")
public final class ChatBench implements Callable<Integer> {
  static final int EXIT_USAGE = BenchCommandLine.EXIT_USAGE;
  static final int MAX_USERS = 2_000;
  /** Echo round trips each baseline client makes before the measured ones. */
  static final int ECHO_WARMUP = 20;
  private static final int WRITERS = 2;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Option(names = "--users", defaultValue = "200", description = "Concurrent users, 1 to 2000 (default 200).")
  int users;

  @Option(names = "--runs-per-user", defaultValue = "5", description = "Runs each user makes (default 5).")
  int runsPerUser;

  @Option(names = "--think-ms", defaultValue = "0",
      description = "A user's mean pause between a run's end and its next question (uniform, 0.5 to 1.5 times it; "
          + "the first question within one pause), 0 to 600000 (default 0: back to back, the node saturated; a pause "
          + "measures the times below saturation).")
  long thinkMs;

  @Option(names = "--rows-per-user", defaultValue = "100000",
      description = "Generated usage rows of each user over 30 days (default 100,000).")
  int rowsPerUser;

  @Option(names = "--nodes", defaultValue = "1",
      description = "1 (every verticle in one JVM, local bus), 3 (a cluster: edge; supervisor, triage, report; "
          + "data, optimizer) or 1,3 (both, one after the other, same users and data).")
  String nodes;

  @Option(names = "--echo-round-trips", defaultValue = "50",
      description = "Measured echo round trips per baseline client (default 50).")
  int echoRoundTrips;

  @Option(names = "--warmup-runs", defaultValue = "3",
      description = "Runs every user makes before the measured load, back to back and not measured, so the nodes' "
          + "JIT compilation is in no figure (default 3).")
  int warmupRuns;

  @Option(names = "--cold", description = "Store the usage without working out the last 30 days ahead, as an upload "
      + "does: each user's first run then computes its aggregates.")
  boolean cold;

  @Option(names = "--max-minutes", defaultValue = "45", description = "Hard bound on the whole bench (default 45).")
  int maxMinutes;

  @Option(names = "--report", description = "Also write the results as markdown to this file.")
  Path report;

  @Option(names = "--work", description = "Folder for the node logs (default: a new temporary folder).")
  Path work;

  private final PrintStream out;
  private final List<AutoCloseable> started = new ArrayList<>();

  public ChatBench() {
    this(System.out);
  }

  ChatBench(PrintStream out) {
    this.out = out;
  }

  /** Parses {@code args} and runs the benchmark: 0 ran, 1 broke, 2 bad command line. */
  static int run(PrintStream out, String... args) {
    return BenchCommandLine.execute("apex bench chat", new ChatBench(out), args);
  }

  /** The layouts asked for, in order: 1, 3 or both. */
  List<Integer> layouts() {
    return switch (nodes) {
      case "1" -> List.of(1);
      case "3" -> List.of(3);
      case "1,3" -> List.of(1, 3);
      default -> List.of();
    };
  }

  /** What is wrong with the command line beyond what picocli checks, or null. */
  String problem() {
    if (users < 1 || users > MAX_USERS) {
      return "--users must be between 1 and " + MAX_USERS + ", got " + users;
    }
    if (runsPerUser < 1 || runsPerUser > 1_000) {
      return "--runs-per-user must be between 1 and 1000, got " + runsPerUser;
    }
    if (thinkMs < 0 || thinkMs > 600_000) {
      return "--think-ms must be between 0 and 600000, got " + thinkMs;
    }
    if (rowsPerUser < RunBench.WINDOW_DAYS || rowsPerUser > 1_000_000) {
      return "--rows-per-user must be between " + RunBench.WINDOW_DAYS + " and 1000000, got " + rowsPerUser;
    }
    if (layouts().isEmpty()) {
      return "--nodes must be 1, 3 or 1,3, got '" + nodes + "'";
    }
    if (echoRoundTrips < 1 || echoRoundTrips > 10_000) {
      return "--echo-round-trips must be between 1 and 10000, got " + echoRoundTrips;
    }
    if (warmupRuns < 0 || warmupRuns > 100) {
      return "--warmup-runs must be between 0 and 100, got " + warmupRuns;
    }
    if (maxMinutes < 1 || maxMinutes > 180) {
      return "--max-minutes must be between 1 and 180, got " + maxMinutes;
    }
    if (report != null && report.toAbsolutePath().getParent() != null
        && !Files.isDirectory(report.toAbsolutePath().getParent())) {
      return "--report: folder " + report.toAbsolutePath().getParent() + " does not exist";
    }
    return null;
  }

  @Override
  public Integer call() {
    String problem = problem();
    if (problem != null) {
      System.err.println("apex bench chat: " + problem);
      return EXIT_USAGE;
    }
    Thread cleanup = new Thread(this::stopAll, "apex-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Thread watchdog = Watchdog.start("apex bench chat", maxMinutes);
    try {
      work = work != null ? Files.createDirectories(work) : Files.createTempDirectory("apex-bench-chat");
      out.println("node logs in " + work);
      ChatBenchReport result = measure();
      String markdown = result.markdown();
      out.println(markdown);
      if (report != null) {
        Files.writeString(report, markdown);
      }
      return 0;
    } catch (Exception e) {
      System.err.println("apex bench chat: failed: " + e + "; node logs in " + work);
      return 1;
    } finally {
      watchdog.interrupt();
      stopAll();
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  private ChatBenchReport measure() throws Exception {
    ChatBenchReport result = new ChatBenchReport(users, runsPerUser, rowsPerUser, thinkMs);
    result.loadBefore = LoadAverage.now();
    result.cold = cold;
    DevServices services = DevServices.startEphemeral();
    started.add(services);
    ChatLoad load = new ChatLoad(users);
    started.add(load);
    result.echo = echoBaseline(load);
    BenchAccounts accounts = null;
    for (int count : layouts()) {
      BenchNodes nodes = BenchNodes.start(count, services, nodeSettings(), work);
      started.add(nodes);
      say(count + " node(s) up: " + nodes.processes().stream().map(n -> n.name() + " pid " + n.pid()).toList());
      RunBenchClient rest = new RunBenchClient(nodes.edgePort(), 120);
      started.add(rest);
      ApexConfig config = BenchConfig.of(services, Map.of());
      if (accounts == null) {
        accounts = seed(rest, load, config, result);
      } else {
        // Each layout starts from the same cache: the data versions move on, as after an upload.
        AggregateCache cache = new AggregateCache(RedisStore.api(load.vertx(), config));
        Future.all(accounts.userIds().stream().map(cache::bump).toList()).await();
        if (cold) {
          say("aggregate cache emptied: every user's first run computes its aggregates again");
        } else {
          warm(load, config, accounts.userIds());
          say("aggregate cache emptied and the last " + Window.DEFAULT_DAYS
              + " days worked out again, as an upload does");
        }
      }
      List<String> tokens = accounts.login(rest);
      if (warmupRuns > 0) {
        say("warm-up: " + warmupRuns + " runs of every user, not measured");
        ChatLoad.Results warm = load.chat(nodes.edgePort(), tokens, warmupRuns, 0);
        if (warm.errorCount() > 0) {
          throw new IllegalStateException("the warm-up runs failed: " + warm.errors + "; see " + work);
        }
      }
      say(users + " users × " + runsPerUser + " runs …");
      ChatBenchReport.Layout measured = result.layout(nodes.processes());
      measureLoad(load, nodes, tokens, measured);
      say(measured.results.completedMs().size() + " runs completed, errors " + measured.results.errors);
      started.remove(rest);
      rest.close();
      started.remove(nodes);
      nodes.close();
    }
    result.loadAfter = LoadAverage.now();
    return result;
  }

  /** The users' runs on {@code nodes}, with each node's CPU, heap and RSS taken around them. */
  private void measureLoad(ChatLoad load, BenchNodes nodes, List<String> tokens, ChatBenchReport.Layout measured)
      throws IOException {
    measured.loadBefore = LoadAverage.now();
    List<HeapGauge> gauges = new ArrayList<>();
    List<Double> cpuBefore = new ArrayList<>();
    for (NodeProcess node : nodes.processes()) {
      gauges.add(HeapGauge.sample(node.pid()));
      cpuBefore.add(node.cpuSeconds());
    }
    measured.results = load.chat(nodes.edgePort(), tokens, runsPerUser, thinkMs);
    measured.loadAfter = LoadAverage.now();
    for (int i = 0; i < gauges.size(); i++) {
      NodeProcess node = nodes.processes().get(i);
      gauges.get(i).close();
      measured.use.add(new ChatBenchReport.NodeUse(node.name(), node.cpuSeconds() - cpuBefore.get(i),
          gauges.get(i).peakBytes(), node.peakRssBytes(), node.rssBytes()));
    }
  }

  /** The echo server in a JVM of its own, the same number of clients, warm-up round trips first. */
  private ChatLoad.Results echoBaseline(ChatLoad load) throws IOException, InterruptedException {
    int port = NodeProcess.freePort();
    try (NodeProcess echo = NodeProcess.start("echo", NodeProcess.javaCommand(
        List.of(EchoServer.class.getName(), String.valueOf(port))), work.resolve("echo.log"))) {
      echo.awaitUp(EchoServer.UP_LINE, null, Duration.ofSeconds(60));
      say("echo baseline: " + users + " clients × " + echoRoundTrips + " round trips (after " + ECHO_WARMUP + ")");
      load.echo(port, users, ECHO_WARMUP);
      ChatLoad.Results results = load.echo(port, users, echoRoundTrips);
      if (results.errorCount() > 0) {
        throw new IllegalStateException("the echo baseline failed: " + results.errors);
      }
      return results;
    }
  }

  /**
   * The node's limits the load would otherwise hit, lifted: every user logs in from 127.0.0.1
   * (the per-IP login bucket), and N users at once may have N runs in progress on one node.
   */
  Map<String, String> nodeSettings() {
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("limits.login_ip_burst", String.valueOf(10 * (users + 1)));
    sets.put("limits.login_ip_per_minute", String.valueOf(10 * (users + 1)));
    sets.put("runs.max_in_flight_per_node", String.valueOf(Math.max(64, 2 * users)));
    return sets;
  }

  /**
   * What the data node does after a stored upload (DataVerticle): the default window's coverage and
   * analysis worked out and cached for the user's data version, two users at a time.
   */
  private static void warm(ChatLoad load, ApexConfig config, List<String> userIds) {
    Pool pool = Postgres.pool(load.vertx(), config);
    try {
      UsageAnalysis analysis = new UsageAnalysis(pool, new AggregateCache(RedisStore.api(load.vertx(), config)));
      for (int from = 0; from < userIds.size(); from += WRITERS) {
        Future.all(userIds.subList(from, Math.min(from + WRITERS, userIds.size())).stream()
            .map(analysis::warm).toList()).await();
      }
    } finally {
      pool.close().await();
    }
  }

  /** Signs the users up and stores their usage; timed, not measured. */
  private BenchAccounts seed(RunBenchClient rest, ChatLoad load, ApexConfig config, ChatBenchReport result)
      throws Exception {
    BenchAccounts accounts = new BenchAccounts("chat", users);
    long start = System.nanoTime();
    accounts.signup(rest);
    result.signupSeconds = (System.nanoTime() - start) / 1e9;
    say(String.format(Locale.ROOT, "%d users signed up in %.1f s", users, result.signupSeconds));
    LocalDate last = LocalDate.now(ZoneOffset.UTC);
    start = System.nanoTime();
    DemoUsage demo = new DemoUsageGenerator().generate(42, RunBench.WINDOW_DAYS, rowsPerUser, last,
        PricingCatalog.load(last));
    UsageWriter writer = new UsageWriter(load.vertx(), Postgres.jdbc(config));
    for (int from = 0; from < accounts.userIds().size(); from += WRITERS) {
      List<String> batch = accounts.userIds().subList(from, Math.min(from + WRITERS, accounts.userIds().size()));
      Future.all(batch.stream().map(id -> writer.write(id, "bench-chat", "demo", demo.records())).toList()).await();
    }
    result.storedRowsPerUser = demo.records().size();
    result.storeSeconds = (System.nanoTime() - start) / 1e9;
    say(String.format(Locale.ROOT, "%,d rows stored for each user in %.1f s", demo.records().size(),
        result.storeSeconds));
    if (!cold) {
      start = System.nanoTime();
      warm(load, config, accounts.userIds());
      result.warmSeconds = (System.nanoTime() - start) / 1e9;
      say(String.format(Locale.ROOT, "the last %d days worked out for each user in %.1f s, as an upload does",
          Window.DEFAULT_DAYS, result.warmSeconds));
    }
    return accounts;
  }

  private void say(String line) {
    out.println("[" + LocalTime.now(ZoneOffset.UTC).format(CLOCK) + "] " + line);
  }

  /** Stops whatever is still running, the newest first. */
  private synchronized void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("apex bench chat: stopping " + started.get(i) + ": " + e);
      }
    }
    started.clear();
  }
}
