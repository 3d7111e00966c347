package apex.node;

import apex.contracts.Schemas;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assertions of the golden path, shared by the single-JVM and the clustered test. */
final class GoldenPath {
  static final String QUESTION = "Analyze my AI costs for the last 30 days";
  static final List<String> AGENTS = List.of("supervisor", "triage", "data", "optimizer", "report");
  static final Set<String> EVERY_AGENT_SHOWS = Set.of("agent_started", "agent_thinking", "tool_executing",
      "tool_completed", "agent_completed");

  private GoldenPath() {}

  /**
   * Sends the question on an open socket and checks the whole conversation: run_accepted, then
   * every run event of the run with seq 1..n gapless, every agent showing each kind of event,
   * stages in pipeline order, and a run_completed whose answer cites dollar amounts.
   */
  static JsonObject ask(ApexClient.Socket socket, String clientMsgId) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId).put("text", QUESTION));
    List<JsonObject> frames = socket.until("run_completed", "run_failed");
    frames.forEach(f -> assertTrue(Schemas.get().problems(Schemas.SERVER_FRAME, f).isEmpty(), "schema: " + f.encode()));
    JsonObject accepted = frames.get(0);
    assertEquals("run_accepted", accepted.getString("type"), "first frame: " + accepted.encode());
    assertEquals(clientMsgId, accepted.getString("client_msg_id"));
    List<JsonObject> events = frames.subList(1, frames.size());
    String runId = accepted.getString("run_id");
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.get(i);
      assertEquals(i + 1, e.getLong("seq").intValue(), "gapless seq at " + e.encode());
      assertEquals(runId, e.getString("run_id"));
      assertEquals(accepted.getString("thread_id"), e.getString("thread_id"));
    }
    Map<String, Set<String>> shown = new TreeMap<>();
    events.forEach(e -> shown.computeIfAbsent(e.getString("agent"), a -> new TreeSet<>()).add(e.getString("type")));
    for (String agent : AGENTS) {
      assertTrue(shown.getOrDefault(agent, Set.of()).containsAll(EVERY_AGENT_SHOWS), agent + " showed " + shown.get(agent));
    }
    List<String> stageOrder = events.stream().filter(e -> e.getString("type").equals("agent_started"))
        .map(e -> e.getString("agent")).collect(Collectors.toList());
    assertEquals(AGENTS, stageOrder);
    for (String agent : AGENTS.subList(1, AGENTS.size())) {
      List<String> types = events.stream().filter(e -> agent.equals(e.getString("agent")))
          .map(e -> e.getString("type")).toList();
      assertEquals("agent_started", types.get(0), agent + " opens with agent_started: " + types);
      assertEquals("agent_completed", types.get(types.size() - 1), agent + " closes with agent_completed: " + types);
    }
    JsonObject completed = events.get(events.size() - 1);
    assertEquals("run_completed", completed.getString("type"), completed.encode());
    assertEquals(false, completed.getBoolean("degraded"));
    String answer = completed.getString("final_response");
    assertTrue(answer.matches("(?s).*\\$[0-9][0-9,]*\\.[0-9]{2}.*"), "answer cites dollars: " + answer);
    assertTrue(completed.getJsonObject("report").getDouble("window_spend_usd") > 0);
    return accepted;
  }

  /**
   * Asks the golden question and reads its events (into {@code events}) until triage waits on the
   * locked usage table; answers the run id.
   */
  static String askUntilTriageWaits(ApexClient.Socket socket, String clientMsgId, List<JsonObject> events) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId)
        .put("text", QUESTION));
    String runId = socket.next().getString("run_id");
    JsonObject frame;
    do {
      frame = socket.next();
      events.add(frame);
    } while (!"check_data_coverage".equals(frame.getString("tool")));
    return runId;
  }
}
