package apex.inspector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every breaker of the mesh as its notifications last described it. Each breaker publishes its
 * state on {@code apex.breaker.notifications} when it changes and every 2 s, so the board knows a
 * breaker from its first call on, and marks stale one that stopped reporting (its node is gone).
 */
final class BreakerBoard {
  /** Three missed periodic notifications (vertx-circuit-breaker sends one every 2 s). */
  static final long STALE_AFTER_MS = 6000;

  private record Entry(JsonObject last, String lastChange, long seenAt) {}

  private final Map<String, Entry> entries = new TreeMap<>();

  void update(JsonObject notification) {
    String name = notification.getString("name");
    String node = notification.getString("node");
    if (name == null || node == null) {
      return;
    }
    String key = name + "@" + node;
    Entry previous = entries.get(key);
    String state = notification.getString("state");
    String lastChange = previous == null ? null
        : state != null && !state.equals(previous.last().getString("state")) ? Instant.now().toString() : previous.lastChange();
    entries.put(key, new Entry(notification, lastChange, System.currentTimeMillis()));
  }

  /** {@code name, cluster_node_id, state, failures, calls, errors, last_change, last_seen, stale}, by name. */
  JsonArray list() {
    long now = System.currentTimeMillis();
    JsonArray out = new JsonArray();
    entries.values().stream()
        .sorted(Comparator.comparing((Entry e) -> e.last().getString("name")).thenComparing(e -> e.last().getString("node")))
        .forEach(e -> out.add(new JsonObject()
            .put("name", e.last().getString("name"))
            .put("cluster_node_id", e.last().getString("node"))
            .put("state", e.last().getString("state"))
            .put("failures", e.last().getValue("failures"))
            .put("calls", e.last().getValue("rollingOperationCount"))
            .put("errors", e.last().getValue("rollingErrorCount"))
            .put("last_change", e.lastChange())
            .put("last_seen", Instant.ofEpochMilli(e.seenAt()).toString())
            .put("stale", now - e.seenAt() > STALE_AFTER_MS)));
    return out;
  }
}
