package apex.runtime.node;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bound on work in progress on one node, shared by every instance of a verticle in that Vert.x
 * through its local shared data: runs ({@code runs.max_in_flight_per_node}), uploads
 * ({@code usage.max_in_flight_per_node}). Over the bound the caller answers {@code busy} (429)
 * rather than queueing without end.
 */
public final class NodeSlots {
  private final LocalMap<String, Integer> counts;
  private final String kind;
  private final int max;

  /** The node's slots for {@code kind} (runs, uploads …), {@code max} of them. */
  public NodeSlots(Vertx vertx, String kind, int max) {
    this.counts = vertx.sharedData().getLocalMap("apex.node.slots");
    this.kind = kind;
    this.max = max;
  }

  public int max() {
    return max;
  }

  public boolean tryTake() {
    AtomicBoolean taken = new AtomicBoolean();
    counts.compute(kind, (k, n) -> {
      int now = n == null ? 0 : n;
      taken.set(now < max);
      return now < max ? now + 1 : now;
    });
    return taken.get();
  }

  public void give() {
    counts.compute(kind, (k, n) -> n == null || n <= 1 ? 0 : n - 1);
  }

  public int free() {
    return max - counts.getOrDefault(kind, 0);
  }
}
