package apex.node.bench;

import apex.node.NodeProcess;
import apex.node.Watchdog;
import apex.runtime.devservices.DevServices;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code apex bench idle}: how much memory a node spends on authenticated sockets that do nothing.
 * One node JVM with every verticle (local bus) on loopback; this JVM opens the sockets, each with
 * the {@code bearer.<jwt>} of a real login and kept until measured. The node's heap after a full
 * collection ({@code jcmd GC.run}, then {@code jstat -gc}) and its RSS ({@code /proc/<pid>/status})
 * are taken before the first socket and with all of them open; the difference per socket is the
 * cost of one. Exits 0 when the bench ran, 1 when it broke, 2 on a bad command line.
 */
@Command(name = "bench-idle", mixinStandardHelpOptions = true,
    description = "Open N authenticated idle WebSockets to one node; its heap and RSS before and with them open.")
public final class IdleBench implements Callable<Integer> {
  static final int EXIT_USAGE = BenchCommandLine.EXIT_USAGE;
  static final double RSS_TARGET_BYTES = 1024.0 * 1024 * 1024;
  static final int TARGET_SOCKETS = 10_000;
  /** Below the 20,000 open files a process may have here, leaving room for the JVM's own. */
  static final int MAX_SOCKETS = 15_000;
  /** Handshakes in flight at once: the node's accept backlog and the login-free reconnects stay calm. */
  private static final int HANDSHAKES_AT_ONCE = 200;
  private static final double MIB = 1024 * 1024;

  @Option(names = "--sockets", defaultValue = "10000", description = "Idle sockets to open (default 10,000).")
  int sockets;

  @Option(names = "--users", defaultValue = "10",
      description = "Accounts the sockets belong to, round-robin (default 10; ws-bridge has no per-user socket limit).")
  int users;

  @Option(names = "--hold-seconds", defaultValue = "30",
      description = "How long all sockets stay open before the measurement (default 30, past one 25 s heartbeat).")
  int holdSeconds;

  @Option(names = "--max-minutes", defaultValue = "20", description = "Hard bound on the whole bench (default 20).")
  int maxMinutes;

  @Option(names = "--work", description = "Folder for the node log (default: a new temporary folder).")
  Path work;

  private final PrintStream out;

  public IdleBench() {
    this(System.out);
  }

  IdleBench(PrintStream out) {
    this.out = out;
  }

  /** Parses {@code args} and runs the benchmark: 0 ran, 1 broke, 2 bad command line. */
  static int run(PrintStream out, String... args) {
    return BenchCommandLine.execute("apex bench idle", new IdleBench(out), args);
  }

  /** What is wrong with the command line beyond what picocli checks, or null. */
  String problem() {
    if (sockets < 1 || sockets > MAX_SOCKETS) {
      return "--sockets must be between 1 and " + MAX_SOCKETS + ", got " + sockets;
    }
    if (users < 1 || users > sockets) {
      return "--users must be between 1 and --sockets, got " + users;
    }
    if (holdSeconds < 0 || holdSeconds > 600) {
      return "--hold-seconds must be between 0 and 600, got " + holdSeconds;
    }
    if (maxMinutes < 1 || maxMinutes > 120) {
      return "--max-minutes must be between 1 and 120, got " + maxMinutes;
    }
    return null;
  }

  @Override
  public Integer call() {
    String problem = problem();
    if (problem != null) {
      System.err.println("apex bench idle: " + problem);
      return EXIT_USAGE;
    }
    Thread watchdog = Watchdog.start("apex bench idle", maxMinutes);
    try {
      work = work != null ? Files.createDirectories(work) : Files.createTempDirectory("apex-bench-idle");
      out.println("node log in " + work);
      measure();
      return 0;
    } catch (Exception e) {
      System.err.println("apex bench idle: failed: " + e + "; node log in " + work);
      return 1;
    } finally {
      watchdog.interrupt();
    }
  }

  private void measure() throws Exception {
    double loadBefore = LoadAverage.now();
    try (DevServices services = DevServices.startEphemeral();
         BenchNodes nodes = BenchNodes.start(1, services, Map.of("limits.login_ip_burst", String.valueOf(users + 10),
             "limits.login_ip_per_minute", String.valueOf(users + 10)), work);
         RunBenchClient rest = new RunBenchClient(nodes.edgePort(), 120);
         ChatLoad load = new ChatLoad(sockets)) {
      NodeProcess node = nodes.edge();
      BenchAccounts accounts = new BenchAccounts("idle", users);
      accounts.signup(rest);
      List<String> tokens = accounts.login(rest);
      Reading before = Reading.of(node);
      out.printf(Locale.ROOT, "before: heap after GC %.1f MiB, RSS %.1f MiB; opening %,d sockets …%n",
          before.heapBytes() / MIB, before.rssBytes() / MIB, sockets);
      List<WebSocket> open = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger closed = new AtomicInteger();
      long start = System.nanoTime();
      List<String> failures = open(load, nodes.edgePort(), tokens, open, closed);
      double openSeconds = (System.nanoTime() - start) / 1e9;
      out.printf(Locale.ROOT, "%,d sockets open in %.1f s (%d failed); holding them %d s …%n", open.size(),
          openSeconds, failures.size(), holdSeconds);
      Thread.sleep(holdSeconds * 1000L);
      Reading with = Reading.of(node);
      int stillOpen = open.size() - closed.get();
      out.println(report(loadBefore, openSeconds, failures, stillOpen, before, with, node.peakRssBytes()));
      Future.join(open.stream().map(WebSocket::close).toList()).otherwiseEmpty().await();
    }
  }

  /** Opens the sockets, {@link #HANDSHAKES_AT_ONCE} handshakes at a time; returns why any failed. */
  private List<String> open(ChatLoad load, int port, List<String> tokens, List<WebSocket> open, AtomicInteger closed) {
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    for (int from = 0; from < sockets; from += HANDSHAKES_AT_ONCE) {
      List<Future<WebSocket>> wave = new ArrayList<>();
      for (int i = from; i < Math.min(from + HANDSHAKES_AT_ONCE, sockets); i++) {
        wave.add(load.openReady(port, tokens.get(i % tokens.size())).onSuccess(socket -> {
          socket.closeHandler(v -> closed.incrementAndGet());
          open.add(socket);
        }).onFailure(e -> failures.add(e.getMessage())));
      }
      Future.join(wave).otherwiseEmpty().await();
    }
    return failures;
  }

  /** The node's heap after a full collection and its RSS, at one moment. */
  private record Reading(long heapBytes, long rssBytes) {
    static Reading of(NodeProcess node) throws IOException, InterruptedException {
      return new Reading(HeapGauge.afterFullGc(node.pid()), node.rssBytes());
    }
  }

  private String report(double loadBefore, double openSeconds, List<String> failures, int stillOpen, Reading before,
                        Reading with, long rssPeak) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%n## Idle sockets, %s%n%n", LocalDate.now(ZoneOffset.UTC)));
    md.append(String.format(Locale.ROOT, "%,d sockets (%d accounts) opened in %.1f s, %d failed%s; %,d still open "
            + "after %d s; load average %.2f before, %.2f after.%n%n", sockets, users, openSeconds, failures.size(),
        failures.isEmpty() ? "" : " (first: " + failures.get(0) + ")", stillOpen, holdSeconds, loadBefore,
        LoadAverage.now()));
    md.append("| node | before | with the sockets | per socket |\n|---|---:|---:|---:|\n");
    int n = Math.max(stillOpen, 1);
    md.append(String.format(Locale.ROOT, "| heap after full GC | %.1f MiB | %.1f MiB | %,.0f bytes |%n",
        before.heapBytes() / MIB, with.heapBytes() / MIB, (with.heapBytes() - before.heapBytes()) / (double) n));
    md.append(String.format(Locale.ROOT, "| RSS | %.1f MiB | %.1f MiB (peak %.1f) | %,.0f bytes |%n",
        before.rssBytes() / MIB, with.rssBytes() / MIB, rssPeak / MIB,
        (with.rssBytes() - before.rssBytes()) / (double) n));
    boolean comparable = sockets >= TARGET_SOCKETS && stillOpen >= TARGET_SOCKETS;
    md.append(String.format(Locale.ROOT, "%nTarget: %,d idle sockets under 1 GiB RSS: %s (%.1f MiB with %,d open)%n",
        TARGET_SOCKETS, (with.rssBytes() < RSS_TARGET_BYTES ? "met" : "MISSED")
            + (comparable ? "" : " at this size (the target's size was not run)"), with.rssBytes() / MIB, stillOpen));
    return md.toString();
  }
}
