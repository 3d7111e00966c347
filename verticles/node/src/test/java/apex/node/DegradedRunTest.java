package apex.node;

import apex.data.DataVerticle;
import apex.optimizer.OptimizerVerticle;
import apex.report.ReportVerticle;
import apex.runtime.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node whose data, optimizer and report verticles go away after a first run: the next run still
 * completes, degraded, each of the three stages answered by its named fallback, and the user is told
 * which and why, on each stage's card, in run_completed and in the answer.
 */
class DegradedRunTest {
  static NodeLauncher.RunningNode node;
  static ApexClient client;
  static List<String> stages;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("http.port", "0")),
        List.of(Role.AUTH, Role.SUPERVISOR, Role.TRIAGE, Role.WS_BRIDGE), 1));
    DeploymentOptions options = new DeploymentOptions().setConfig(node.config().json());
    stages = await(Future.all(node.vertx().deployVerticle(new DataVerticle(), options),
        node.vertx().deployVerticle(new OptimizerVerticle(), options),
        node.vertx().deployVerticle(new ReportVerticle(), options))).list();
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  /** Calls of the last days; some failed and some repeat a prompt, so the basic levers find waste. */
  private static String usage() {
    StringBuilder csv = new StringBuilder("ts,provider,model,feature,input_tokens,output_tokens,cost_usd,status,prompt_hash\n");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 60; i++) {
      csv.append(now.minus(i % 12, ChronoUnit.DAYS).minusSeconds(90L * i)).append(",openai,gpt-5.4,support,2000,300,0.4,")
          .append(i % 5 == 0 ? "error" : "ok").append(",p-").append(i % 20).append('\n');
    }
    return csv.toString();
  }

  private static List<JsonObject> ask(ApexClient.Socket socket) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "m-" + UUID.randomUUID())
        .put("text", GoldenPath.QUESTION));
    return socket.until("run_completed", "run_failed");
  }

  private static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  @Test
  void withDataOptimizerAndReportGoneTheRunCompletesDegradedAndSaysWhy() {
    String token = client.signup("degraded-" + UUID.randomUUID() + "@example.com", "correct horse battery");
    assertEquals(201, client.upload(token, usage(), "text/csv").statusCode());
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    socket.next();
    JsonObject healthy = last(ask(socket));
    assertEquals("run_completed", healthy.getString("type"), healthy.encode());
    assertFalse(healthy.getBoolean("degraded"));

    stages.forEach(id -> await(node.vertx().undeploy(id)));
    List<JsonObject> events = ask(socket);
    JsonObject answer = last(events);

    assertEquals("run_completed", answer.getString("type"), answer.encode());
    assertTrue(answer.getBoolean("degraded"));
    // Triage's own coverage check needs data too, so all four stages fell back.
    assertEquals(List.of("triage=default-plan", "data=last-aggregates", "optimizer=basic-recommendations",
            "report=template-report"),
        answer.getJsonArray("degraded_reasons").stream().map(r -> (JsonObject) r)
            .map(r -> r.getString("agent") + "=" + r.getString("fallback")).toList());
    for (String agent : List.of("data", "optimizer", "report")) {
      JsonObject card = events.stream().filter(e -> "agent_completed".equals(e.getString("type"))
          && agent.equals(e.getString("agent"))).findFirst().orElseThrow();
      assertEquals("degraded", card.getString("status"), card.encode());
      assertTrue(card.getString("reason").startsWith(agent + " is unavailable"), card.encode());
    }
    assertEquals(healthy.getJsonObject("report").getDouble("window_spend_usd"),
        answer.getJsonObject("report").getDouble("window_spend_usd"), 1e-9, "the last aggregates kept were used");
    assertFalse(answer.getJsonObject("report").getJsonArray("recommendations").isEmpty(), answer.encode());
    String markdown = answer.getString("final_response");
    assertTrue(markdown.contains("Degraded answer") && markdown.contains("basic-recommendations"), markdown);
  }
}
