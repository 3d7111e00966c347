package apex.bridge;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One run's events on one socket: hands them out exactly once and in seq order, whatever order
 * they arrive in from the nodes that emitted them. Early events wait in {@code pending} until the
 * gap before them is filled (live, or from the run's log).
 */
final class RunStream {
  private long next;
  private final TreeMap<Long, JsonObject> pending = new TreeMap<>();
  private boolean open;
  private boolean finished;

  RunStream(long next, boolean open) {
    this.next = next;
    this.open = open;
  }

  /**
   * Takes an event; answers the events now deliverable, in order (empty when held, a duplicate, or
   * after the run's terminal event: a stage cancelled mid-work may still report, but the run is over).
   */
  List<JsonObject> offer(JsonObject event) {
    long seq = event.getLong("seq");
    if (seq >= next && !finished) {
      pending.putIfAbsent(seq, event);
    }
    return drain();
  }

  /**
   * The client has every event before {@code seq} (a {@code resume}): nothing below it is handed out
   * any more; answers the events now deliverable. Never moves back, so what this stream handed out is
   * never handed out again.
   */
  List<JsonObject> skipTo(long seq) {
    if (seq > next) {
      next = seq;
      pending.headMap(seq).clear();
    }
    return drain();
  }

  /** Opens a stream that was held back until its {@code run_accepted} went out. */
  List<JsonObject> open() {
    open = true;
    return drain();
  }

  private List<JsonObject> drain() {
    List<JsonObject> ready = new ArrayList<>();
    if (!open) {
      return ready;
    }
    while (!finished && !pending.isEmpty() && pending.firstKey() == next) {
      JsonObject event = pending.pollFirstEntry().getValue();
      ready.add(event);
      next++;
      String type = event.getString("type");
      finished |= "run_completed".equals(type) || "run_failed".equals(type);
    }
    return ready;
  }

  /** The first seq still missing while later ones wait; 0 when there is no gap. */
  long gapStart() {
    return pending.isEmpty() ? 0 : next;
  }

  long gapEnd() {
    return pending.isEmpty() ? 0 : pending.firstKey() - 1;
  }

  boolean finished() {
    return finished;
  }

  boolean isOpen() {
    return open;
  }
}
