package apex.node.bench;

import apex.contracts.stage.Window;
import apex.node.NodeProcess;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code apex bench chat} measured, as markdown: the echo baseline, then per layout the
 * latencies (p50 / p99, nearest rank), throughput, errors by kind, each node's heap and RSS, and the
 * issue's targets, each met or missed with its figure.
 */
final class ChatBenchReport {
  static final double FIRST_AGENT_P99_TARGET_MS = 20;
  static final double ECHO_RATIO_TARGET = 3;
  static final double CLUSTER_MEDIAN_TARGET_MS = 5;
  static final double RUNS_PER_SECOND_TARGET = 100;
  static final int TARGET_USERS = 200;
  static final int TARGET_ROWS = 100_000;
  private static final double MIB = 1024 * 1024;

  /**
   * One node during the load: CPU seconds used, peak heap used (jstat, sampled each second), peak RSS
   * (VmHWM) and RSS at the end.
   */
  record NodeUse(String node, double cpuSeconds, long peakHeapBytes, long peakRssBytes, long endRssBytes) {}

  /** One layout's measured load. */
  static final class Layout {
    final int nodes;
    final String description;
    double loadBefore;
    double loadAfter;
    ChatLoad.Results results;
    final List<NodeUse> use = new ArrayList<>();

    Layout(int nodes, String description) {
      this.nodes = nodes;
      this.description = description;
    }
  }

  final long thinkMs;
  final int users;
  final int runsPerUser;
  final int rowsPerUser;
  double loadBefore;
  double loadAfter;
  double signupSeconds;
  double storeSeconds;
  /** Time to work out each user's default window after storing, as an upload does; 0 with --cold. */
  double warmSeconds;
  boolean cold;
  int storedRowsPerUser;
  ChatLoad.Results echo;
  final List<Layout> layouts = new ArrayList<>();

  ChatBenchReport(int users, int runsPerUser, int rowsPerUser, long thinkMs) {
    this.users = users;
    this.runsPerUser = runsPerUser;
    this.rowsPerUser = rowsPerUser;
    this.thinkMs = thinkMs;
  }

  Layout layout(List<NodeProcess> processes) {
    String description = processes.size() + (processes.size() == 1 ? " node (every verticle, local bus)"
        : " nodes (" + processes.stream().map(NodeProcess::name).collect(Collectors.joining(", "))
            + "; Hazelcast TCP-IP on 127.0.0.1)");
    Layout layout = new Layout(processes.size(), description);
    layouts.add(layout);
    return layout;
  }

  Layout find(int nodes) {
    return layouts.stream().filter(l -> l.nodes == nodes).findFirst().orElse(null);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "## Chat load, %s%n%n", LocalDate.now(ZoneOffset.UTC)));
    md.append(String.format(Locale.ROOT, "%d users × %d runs each, %s, %,d stored rows per user (%,d generated); "
            + "load average %.2f before, %.2f after.%n", users, runsPerUser,
        thinkMs == 0 ? "back to back" : String.format(Locale.ROOT, "a pause of %,d ms on average (0.5–1.5×) "
            + "between a run's end and the next question", thinkMs), storedRowsPerUser, rowsPerUser, loadBefore,
        loadAfter));
    md.append(String.format(Locale.ROOT, "Setup (not measured): %d sign-ups in %.1f s; usage stored for each "
        + "user in %.1f s in all; %s.%n%n", users, signupSeconds, storeSeconds, cold
        ? "`--cold`: nothing worked out ahead, each user's first run computes its aggregates"
        : String.format(Locale.ROOT, "the last %d days worked out ahead for each user in %.1f s, as an upload does",
            Window.DEFAULT_DAYS, warmSeconds)));
    md.append("| ms | count | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
    row(md, "echo baseline: WebSocket round trip", echo.roundTripMs);
    for (Layout layout : layouts) {
      ChatLoad.Results r = layout.results;
      String on = " (" + layout.nodes + (layout.nodes == 1 ? " node)" : " nodes)");
      row(md, "user_message → run_accepted" + on, r.acceptedMs);
      row(md, "user_message → first agent_started" + on, r.firstAgentMs);
      row(md, "event delivery, `ts` → client" + on, r.deliveryMs);
      row(md, "run completion, all runs" + on, r.completedMs());
      row(md, "run completion, each user's first completed" + (cold ? " (aggregates computed)" : "") + on,
          r.firstRunMs);
      row(md, "run completion, later runs" + on, r.laterRunMs);
    }
    md.append('\n');
    for (Layout layout : layouts) {
      ChatLoad.Results r = layout.results;
      md.append(String.format(Locale.ROOT, "**%s**: %d runs completed in %.1f s, **%.1f runs/s**; "
              + "errors: %s; load average %.2f before, %.2f after.%n%n", layout.description,
          r.completedMs().size(), r.elapsedNanos / 1e9, r.runsPerSecond(),
          r.errors.isEmpty() ? "none" : r.errors.toString(), layout.loadBefore, layout.loadAfter));
      md.append("| node | CPU during the load (s) | CPU per completed run (ms) | peak heap used (MiB) "
          + "| peak RSS (MiB) | RSS at the end (MiB) |\n");
      md.append("|---|---:|---:|---:|---:|---:|\n");
      for (NodeUse n : layout.use) {
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f | %.0f | %.0f |%n", n.node(), n.cpuSeconds(),
            1000 * n.cpuSeconds() / Math.max(1, r.completedMs().size()), n.peakHeapBytes() / MIB,
            n.peakRssBytes() / MIB, n.endRssBytes() / MIB));
      }
      md.append('\n');
    }
    md.append("Targets:\n\n").append(targets().stream().map(t -> "- " + t).collect(Collectors.joining("\n")))
        .append('\n');
    return md.toString();
  }

  /** Each of the chat targets: met, MISSED, or not measured in this run, with the figures. */
  List<String> targets() {
    List<String> lines = new ArrayList<>();
    Layout one = find(1);
    Layout three = find(3);
    double echoP99 = p(echo.roundTripMs, 0.99);
    if (one == null || one.results.firstAgentMs.isEmpty()) {
      lines.add("first agent_started p99: not measured (needs --nodes 1)");
    } else {
      double p99 = p(one.results.firstAgentMs, 0.99);
      lines.add(String.format(Locale.ROOT, "first agent_started p99 under %.0f ms at %d users on one node: %s "
              + "(%.1f ms at %d users)", FIRST_AGENT_P99_TARGET_MS, TARGET_USERS,
          verdict(p99 < FIRST_AGENT_P99_TARGET_MS, users == TARGET_USERS), p99, users));
      lines.add(String.format(Locale.ROOT, "first agent_started p99 at most %.0f× the echo p99: %s "
              + "(%.1f ms / %.1f ms = %.1f×)", ECHO_RATIO_TARGET, verdict(p99 <= ECHO_RATIO_TARGET * echoP99, true),
          p99, echoP99, p99 / echoP99));
      double rate = one.results.runsPerSecond();
      if (thinkMs > 0) {
        lines.add(String.format(Locale.ROOT, "at least %.0f completed runs/s on one node: not measured (users pause "
            + "%,d ms between runs, so %.1f runs/s is the rate they asked at, not the node's most)",
            RUNS_PER_SECOND_TARGET, thinkMs, rate));
      } else {
        lines.add(String.format(Locale.ROOT, "at least %.0f completed runs/s on one node, users of %,d rows: %s "
                + "(%.1f runs/s, %,d rows per user)", RUNS_PER_SECOND_TARGET, TARGET_ROWS,
            verdict(rate >= RUNS_PER_SECOND_TARGET, rowsPerUser >= TARGET_ROWS), rate, rowsPerUser));
      }
    }
    if (one == null || three == null) {
      lines.add("a three-node cluster adds under 5 ms to the median run: not measured (needs --nodes 1,3)");
    } else {
      double added = p(three.results.completedMs(), 0.5) - p(one.results.completedMs(), 0.5);
      lines.add(String.format(Locale.ROOT, "a three-node cluster adds under %.0f ms to the median run: %s "
              + "(median %.1f ms on 3 nodes, %.1f ms on 1: %+.1f ms)", CLUSTER_MEDIAN_TARGET_MS,
          verdict(added < CLUSTER_MEDIAN_TARGET_MS, true), p(three.results.completedMs(), 0.5),
          p(one.results.completedMs(), 0.5), added));
    }
    return lines;
  }

  /** met / MISSED, or why the figure does not answer the target (another user count or row count). */
  private static String verdict(boolean met, boolean comparable) {
    String verdict = met ? "met" : "MISSED";
    return comparable ? verdict : verdict + " at this size (the target's size was not run)";
  }

  private static void row(StringBuilder md, String label, List<Double> values) {
    if (values.isEmpty()) {
      md.append("| ").append(label).append(" | 0 | | | |\n");
      return;
    }
    List<Double> sorted = sorted(values);
    md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", label, sorted.size(),
        RunStats.percentile(sorted, 0.5), RunStats.percentile(sorted, 0.99), sorted.get(sorted.size() - 1)));
  }

  static double p(List<Double> values, double p) {
    return values.isEmpty() ? Double.NaN : RunStats.percentile(sorted(values), p);
  }

  private static List<Double> sorted(List<Double> values) {
    synchronized (values) {
      return values.stream().sorted().toList();
    }
  }
}
