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

  @Test
  void aResumeMovesTheStreamOnButNeverHandsOutAnEventTwice() {
    // A reconnected socket: a live event arrived before the client's resume, and is held for its gap.
    RunStream stream = new RunStream(1, true);
    assertTrue(stream.offer(event(6, "agent_thinking")).isEmpty());
    // resume after_seq 4: the client has 1..4, so 5 is what is missing now.
    assertTrue(stream.skipTo(5).isEmpty());
    assertEquals(5, stream.gapStart());
    // The replay (5, 6) goes through the same stream: 6 is written once.
    assertEquals(List.of(5L, 6L), seqs(stream.offer(event(5, "agent_thinking"))));
    assertTrue(stream.offer(event(6, "agent_thinking")).isEmpty());
    // The client asks again from an older seq (its first resume crossed a slow replay): nothing again.
    assertTrue(stream.skipTo(3).isEmpty());
    assertTrue(stream.offer(event(4, "agent_thinking")).isEmpty());
    assertEquals(List.of(7L), seqs(stream.offer(event(7, "run_completed"))));
  }
}
