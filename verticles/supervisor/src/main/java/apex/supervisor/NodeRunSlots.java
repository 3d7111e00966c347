package apex.supervisor;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's bound on runs in progress ({@code runs.max_in_flight_per_node}), shared by every
 * supervisor instance of one Vert.x node through its local shared data. New runs and adopted ones
 * both take a slot; over the bound a start is answered {@code busy}, and the sweeper leaves expired
 * runs to supervisors with room.
 */
final class NodeRunSlots {
  private static final String KEY = "runs_in_progress";

  private final LocalMap<String, Integer> counts;
  private final int max;

  NodeRunSlots(Vertx vertx, int max) {
    this.counts = vertx.sharedData().getLocalMap("apex.supervisor.slots");
    this.max = max;
  }

  int max() {
    return max;
  }

  boolean tryTake() {
    AtomicBoolean taken = new AtomicBoolean();
    counts.compute(KEY, (k, n) -> {
      int now = n == null ? 0 : n;
      taken.set(now < max);
      return now < max ? now + 1 : now;
    });
    return taken.get();
  }

  void give() {
    counts.compute(KEY, (k, n) -> n == null || n <= 1 ? 0 : n - 1);
  }

  int free() {
    return max - counts.getOrDefault(KEY, 0);
  }
}
