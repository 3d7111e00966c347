package apex.node;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.runtime.TestServices;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code stages.anomaly.enabled}, an anomaly stage that misbehaves never fails the run: an
 * answer outside {@code stage/anomaly-result.json} or a refusal, and the run completes degraded
 * with the data stage's days and a reason naming what the stage did. (The Node.js stage answering
 * and being absent: scripts/bridge/bridge.test.mjs.)
 */
class AnomalyStageFallbackTest {
  static NodeLauncher.RunningNode node;
  static ApexClient client;
  static String token;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("profile", "dev", "http.port", "0",
        "stages.anomaly.enabled", "true")), Role.all(), 1));
    client = new ApexClient(node.httpPort());
    token = client.login("demo@apex.dev", "apex-demo-2026");
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  /** A chat run while {@code stage} serves apex.stage.anomaly; its {@code run_completed}. */
  private static JsonObject runWith(Consumer<Message<JsonObject>> stage) {
    MessageConsumer<JsonObject> consumer = node.vertx().eventBus().consumer(Addresses.STAGE_ANOMALY, stage::accept);
    await(consumer.completion());
    try {
      ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
      assertEquals("connection_ready", socket.next().getString("type"));
      socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "m-" + UUID.randomUUID())
          .put("text", GoldenPath.QUESTION));
      List<JsonObject> frames = socket.until("run_completed", "run_failed");
      JsonObject end = frames.get(frames.size() - 1);
      assertEquals("run_completed", end.getString("type"), end.encode());
      return end;
    } finally {
      await(consumer.unregister());
    }
  }

  private static JsonObject anomalyReason(JsonObject end) {
    assertTrue(end.getBoolean("degraded"), end.encode());
    return end.getJsonArray("degraded_reasons").stream().map(JsonObject.class::cast)
        .filter(d -> "anomaly".equals(d.getString("agent"))).findFirst()
        .orElseThrow(() -> new AssertionError(end.getJsonArray("degraded_reasons").encode()));
  }

  @Test
  void anAnswerOutsideTheSchemaIsNotUsedAndTheRunSaysSo() {
    JsonObject reason = anomalyReason(runWith(m -> m.reply(new JsonObject().put("anomalies", "many"))));
    assertEquals("data-anomalies", reason.getString("fallback"));
    assertTrue(reason.getString("reason").startsWith("anomaly answered outside stage/anomaly-result.json"),
        reason.encode());
  }

  @Test
  void aRefusalDegradesTheRunInsteadOfFailingIt() {
    JsonObject reason = anomalyReason(runWith(m -> m.fail(ErrorCode.BAD_REQUEST.failure("").failureCode(),
        "the request needs data.by_day")));
    assertEquals("data-anomalies", reason.getString("fallback"));
    assertEquals("anomaly refused the request: the request needs data.by_day", reason.getString("reason"));
  }
}
