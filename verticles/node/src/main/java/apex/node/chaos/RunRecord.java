package apex.node.chaos;

import java.util.HashSet;
import java.util.Set;

/**
 * One run as one simulated browser saw it, across all its sockets: every seq it received (a seq
 * received twice is a duplicate), its terminal event, and when things happened (ms since the
 * harness began).
 */
final class RunRecord {
  enum Outcome { RUNNING, COMPLETED, DEGRADED, FAILED }

  final String user;
  final String clientMsgId;
  final long askedAt;
  private String runId;
  private final Set<Long> seen = new HashSet<>();
  private long maxSeq;
  private int duplicates;
  private long terminalSeq;
  private Outcome outcome = Outcome.RUNNING;
  private String failureCode;
  private long endedAt = -1;
  private long lastFrameAt;

  RunRecord(String user, String clientMsgId, long askedAt) {
    this.user = user;
    this.clientMsgId = clientMsgId;
    this.askedAt = askedAt;
    this.lastFrameAt = askedAt;
  }

  synchronized void accepted(String id, long at) {
    runId = id;
    lastFrameAt = at;
  }

  /** An event of this run; answers true when it ended the run. */
  synchronized boolean event(long seq, String type, boolean degraded, String code, long at) {
    lastFrameAt = at;
    if (!seen.add(seq)) {
      duplicates++;
      return false;
    }
    maxSeq = Math.max(maxSeq, seq);
    if (outcome != Outcome.RUNNING || !("run_completed".equals(type) || "run_failed".equals(type))) {
      return false;
    }
    terminalSeq = seq;
    endedAt = at;
    if ("run_failed".equals(type)) {
      outcome = Outcome.FAILED;
      failureCode = code;
    } else {
      outcome = degraded ? Outcome.DEGRADED : Outcome.COMPLETED;
    }
    return true;
  }

  synchronized String runId() {
    return runId;
  }

  synchronized long maxSeq() {
    return maxSeq;
  }

  synchronized long lastFrameAt() {
    return lastFrameAt;
  }

  synchronized int duplicates() {
    return duplicates;
  }

  /** Seqs 1..terminal never received; for a run that has not ended, the holes below the highest seq seen. */
  synchronized long missing() {
    long upTo = terminalSeq > 0 ? terminalSeq : maxSeq;
    return upTo - seen.stream().filter(s -> s <= upTo).count();
  }

  synchronized Outcome outcome() {
    return outcome;
  }

  synchronized String failureCode() {
    return failureCode;
  }

  synchronized long endedAt() {
    return endedAt;
  }

  synchronized boolean ended() {
    return outcome != Outcome.RUNNING;
  }

  /** In flight at {@code at}: asked before it and not ended by then. */
  synchronized boolean inFlightAt(long at) {
    return askedAt <= at && (endedAt < 0 || endedAt > at);
  }
}
