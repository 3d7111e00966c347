package apex.node.bench;

import apex.data.usage.AnalysisSql;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The run benchmark's table: end-to-end run times (cold, warm) beside the psql baseline and their
 * ratio, then where a cold run's time goes, stage by stage and tool by tool (from the run events'
 * {@code duration_ms}) beside each query's own time in psql.
 */
final class RunBenchReport {
  private final PrintStream out;
  private final int runs;

  RunBenchReport(PrintStream out, int runs) {
    this.out = out;
    this.runs = runs;
  }

  void print(long rows, LocalDate first, LocalDate last, List<RunBenchClient.Run> cold, List<RunBenchClient.Run> warm,
             List<RunBenchPsql.Round> psql) {
    RunStats coldStats = RunStats.of(cold.stream().map(RunBench::ms).toList());
    out.printf(Locale.ROOT, "%nFull run over %,d rows, window %s..%s, %d runs of each kind (after 1 warm-up run)%n",
        rows, first, last, runs);
    out.printf(Locale.ROOT, "%-34s %9s %9s %9s %9s%n", "ms", "median", "p90", "min", "max");
    line("cold run (aggregates recomputed)", coldStats);
    line("warm run (aggregates cached)", RunStats.of(warm.stream().map(RunBench::ms).toList()));
    if (psql.isEmpty()) {
      out.println("psql, the same queries: SKIPPED (no psql), no ratio");
    } else {
      RunStats psqlStats = RunStats.of(psql.stream().map(RunBenchPsql.Round::totalMs).toList());
      line("psql, the same " + AnalysisSql.RUN.size() + " queries", psqlStats);
      out.printf(Locale.ROOT, "ratio cold run / psql (medians): %.2f%n", coldStats.median() / psqlStats.median());
    }
    out.printf(Locale.ROOT, "target: cold median under %,.0f ms: %s%n", RunBench.TARGET_MS,
        coldStats.median() < RunBench.TARGET_MS ? "met" : "MISSED");

    out.printf(Locale.ROOT, "%nCold runs, median ms per stage (agent_completed.duration_ms)%n");
    durations(cold, "agent_completed", f -> f.getString("agent"))
        .forEach((agent, values) -> out.printf(Locale.ROOT, "  %-24s %9.0f%n", agent, RunStats.of(values).median()));

    out.printf(Locale.ROOT, "%nCold runs, median ms per tool (tool_completed.duration_ms) beside psql%n");
    out.printf(Locale.ROOT, "  %-38s %9s %9s%n", "agent/tool", "run", "psql");
    Map<String, List<Double>> psqlByTool = new LinkedHashMap<>();
    psql.forEach(round -> round.msByTool().forEach((tool, ms) ->
        psqlByTool.computeIfAbsent(tool, t -> new ArrayList<>()).add(ms)));
    durations(cold, "tool_completed", f -> f.getString("agent") + "/" + f.getString("tool")).forEach((key, values) -> {
      List<Double> baseline = psqlByTool.get(key.substring(key.indexOf('/') + 1));
      out.printf(Locale.ROOT, "  %-38s %9.1f %9s%n", key, RunStats.of(values).median(),
          baseline == null ? "" : String.format(Locale.ROOT, "%.1f", RunStats.of(baseline).median()));
    });
  }

  private void line(String label, RunStats stats) {
    out.printf(Locale.ROOT, "%-34s %9.0f %9.0f %9.0f %9.0f%n", label, stats.median(), stats.p90(), stats.min(),
        stats.max());
  }

  /** Every {@code duration_ms} of the runs' frames of {@code type}, grouped by {@code key}, in first-seen order. */
  static Map<String, List<Double>> durations(List<RunBenchClient.Run> runs, String type,
                                             Function<JsonObject, String> key) {
    Map<String, List<Double>> byKey = new LinkedHashMap<>();
    for (RunBenchClient.Run run : runs) {
      run.frames().stream().filter(f -> type.equals(f.getString("type")) && f.getNumber("duration_ms") != null)
          .forEach(f -> byKey.computeIfAbsent(key.apply(f), k -> new ArrayList<>())
              .add(f.getNumber("duration_ms").doubleValue()));
    }
    return byKey;
  }
}
