package apex.contracts.run;

import apex.contracts.ContractException;
import io.vertx.core.json.JsonObject;

/**
 * One event of a run as the browser sees it: the common envelope ({@code type}, {@code run_id},
 * {@code thread_id}, {@code seq}, {@code ts}, {@code agent}) plus the type's own fields, flat.
 */
public record RunEvent(EventType type, String runId, String threadId, long seq, String ts, String agent,
                       JsonObject fields) {

  private static final java.util.Set<String> ENVELOPE =
      java.util.Set.of("type", "run_id", "thread_id", "seq", "ts", "agent");

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", type.wire())
        .put("run_id", runId)
        .put("thread_id", threadId)
        .put("seq", seq)
        .put("ts", ts)
        .put("agent", agent);
    fields.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  public static RunEvent fromJson(JsonObject json) {
    try {
      JsonObject fields = new JsonObject();
      json.forEach(e -> {
        if (!ENVELOPE.contains(e.getKey())) {
          fields.put(e.getKey(), e.getValue());
        }
      });
      return new RunEvent(EventType.ofWire(json.getString("type")), json.getString("run_id"),
          json.getString("thread_id"), json.getLong("seq"), json.getString("ts"), json.getString("agent"), fields);
    } catch (RuntimeException e) {
      throw new ContractException("RunEvent: " + e.getMessage());
    }
  }
}
