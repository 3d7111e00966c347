package apex.bridge;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunStreamTest {

  private static JsonObject event(long seq, String type) {
    return new JsonObject().put("seq", seq).put("type", type);
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  @Test
  void deliversOutOfOrderArrivalsInOrderAndEachOnce() {
    RunStream stream = new RunStream(1, true);
    assertEquals(List.of(1L), seqs(stream.offer(event(1, "agent_started"))));
    assertTrue(stream.offer(event(3, "agent_thinking")).isEmpty(), "3 waits for 2");
    assertEquals(2, stream.gapStart());
    assertEquals(2, stream.gapEnd());
    assertEquals(List.of(2L, 3L), seqs(stream.offer(event(2, "agent_thinking"))));
    assertTrue(stream.offer(event(2, "agent_thinking")).isEmpty(), "a duplicate is dropped");
    assertEquals(0, stream.gapStart());
  }

  @Test
  void aHeldStreamOpensInOrder() {
    RunStream stream = new RunStream(1, false);
    assertTrue(stream.offer(event(1, "agent_started")).isEmpty());
    assertEquals(List.of(1L), seqs(stream.open()));
  }

  @Test
  void nothingFollowsTheTerminalEvent() {
    RunStream stream = new RunStream(1, true);
    stream.offer(event(1, "run_failed"));
    assertTrue(stream.finished());
    assertTrue(stream.offer(event(2, "agent_completed")).isEmpty());
  }
}
