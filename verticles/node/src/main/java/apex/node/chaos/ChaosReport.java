package apex.node.chaos;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The harness's findings as markdown, and whether every target was met. */
final class ChaosReport {
  private final int users;
  private final int rounds;
  private final int outageSeconds;
  private final double elapsedSeconds;
  private final List<RunRecord> runs;
  private final List<FaultResult> faults;
  private final List<ChaosUser> crowd;
  private final int stuck;
  private final int restarts;

  ChaosReport(int users, int rounds, int outageSeconds, double elapsedSeconds, List<RunRecord> runs,
              List<FaultResult> faults, List<ChaosUser> crowd, int stuck, int restarts) {
    this.users = users;
    this.rounds = rounds;
    this.outageSeconds = outageSeconds;
    this.elapsedSeconds = elapsedSeconds;
    synchronized (runs) {
      this.runs = List.copyOf(runs);
    }
    this.faults = faults;
    this.crowd = crowd;
    this.stuck = stuck;
    this.restarts = restarts;
  }

  private long started() {
    return runs.stream().filter(r -> r.runId() != null).count();
  }

  private long count(RunRecord.Outcome outcome) {
    return runs.stream().filter(r -> r.runId() != null && r.outcome() == outcome).count();
  }

  /** Asked and never ended: accepted without a terminal event, or never answered at all. */
  long lost() {
    return runs.stream().filter(r -> !r.ended()).count();
  }

  long missing() {
    return runs.stream().mapToLong(RunRecord::missing).sum();
  }

  long duplicated() {
    return runs.stream().mapToLong(RunRecord::duplicates).sum();
  }

  private long foreign() {
    return crowd.stream().mapToLong(ChaosUser::foreignEvents).sum();
  }

  private double slowestKillRecovery() {
    return faults.stream().filter(FaultResult::isNodeKill).mapToDouble(f -> f.recoverySeconds() < 0
        ? Double.POSITIVE_INFINITY : f.recoverySeconds()).max().orElse(0);
  }

  /** Every target met; the recovery time counts only when {@code withRecovery}. */
  boolean targetsMet(boolean withRecovery) {
    return lost() == 0 && missing() == 0 && duplicated() == 0 && foreign() == 0 && stuck == 0
        && (!withRecovery || slowestKillRecovery() < ChaosCommand.RECOVERY_TARGET_SECONDS);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "### Chaos run, %s%n%n", Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    md.append(String.format(Locale.ROOT, "%d users, %d round(s) of faults, outages of %d s, %.0f s in all, "
        + "%d node restarts, %d reconnects of user sockets, %d processors.%n%n", users, rounds, outageSeconds,
        elapsedSeconds, restarts, crowd.stream().mapToInt(ChaosUser::reconnects).sum(),
        Runtime.getRuntime().availableProcessors()));
    Map<String, Long> failures = runs.stream().filter(r -> r.outcome() == RunRecord.Outcome.FAILED)
        .collect(Collectors.groupingBy(r -> String.valueOf(r.failureCode()), TreeMap::new, Collectors.counting()));
    md.append("| runs started | completed | degraded | failed | lost | events missing | events duplicated "
        + "| events of unknown runs | left `running` |\n|---|---|---|---|---|---|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d %s | %d | %d | %d | %d | %d |%n%n", started(),
        count(RunRecord.Outcome.COMPLETED), count(RunRecord.Outcome.DEGRADED), count(RunRecord.Outcome.FAILED),
        failures.isEmpty() ? "" : failures.toString().replace('=', ' '), lost(), missing(), duplicated(), foreign(), stuck));
    md.append("| fault | node | at | runs in flight | of them: completed / degraded / failed / unfinished "
        + "| full service after | node back after |\n|---|---|---|---|---|---|---|\n");
    for (FaultResult f : faults) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %.1f s | %d | %d / %d / %d / %d | %s | %.1f s |%n", f.fault(),
          f.target(), f.atSeconds(), f.inFlight(), f.completed(), f.degraded(), f.failed(), f.unfinished(),
          f.recoverySeconds() < 0 ? "not within 90 s" : String.format(Locale.ROOT, "%.1f s", f.recoverySeconds()),
          f.backSeconds()));
    }
    md.append('\n');
    md.append(line("runs lost", lost() == 0, lost() + " (target 0)"));
    md.append(line("events missing or duplicated at the clients", missing() + duplicated() + foreign() == 0,
        missing() + " missing, " + duplicated() + " duplicated, " + foreign() + " of unknown runs (target 0)"));
    md.append(line("runs left `running` after recovery", stuck == 0, stuck + " (target 0)"));
    double slowest = slowestKillRecovery();
    md.append(line("full service after a node kill", slowest < ChaosCommand.RECOVERY_TARGET_SECONDS,
        (Double.isInfinite(slowest) ? "not reached" : String.format(Locale.ROOT, "at most %.1f s", slowest))
            + " (target under 10 s)"));
    runs.stream().filter(r -> r.missing() + r.duplicates() > 0 || !r.ended()).limit(10).forEach(r ->
        md.append(String.format(Locale.ROOT, "- run %s of %s, asked at %.1f s: %s, %d missing, %d duplicated%n",
            r.runId(), r.user, r.askedAt / 1000.0, r.outcome(), r.missing(), r.duplicates())));
    md.append(targetsMet(true) ? "\nAll targets met.\n" : "\nTARGET MISSED.\n");
    return md.toString();
  }

  private static String line(String what, boolean met, String detail) {
    return "- " + (met ? "met" : "MISSED") + ": " + what + ": " + detail + "\n";
  }
}
