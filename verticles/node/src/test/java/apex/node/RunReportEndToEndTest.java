package apex.node;

import apex.contracts.Schemas;
import apex.runtime.TestServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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

/** {@code GET /api/runs/{id}/report}: the owner reads the report the run streamed; nobody else can. */
class RunReportEndToEndTest {
  private static final String PASSWORD = "correct horse battery";
  static NodeLauncher.RunningNode node;
  static ApexClient client;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("profile", "dev", "http.port", "0")), Role.all(), 1));
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  @Test
  void theOwnerReadsTheReportTheRunCompletedWithAndOthersGetNotFound() {
    String email = "report-" + UUID.randomUUID() + "@example.com";
    client.signup(email, PASSWORD);
    String token = client.login(email, PASSWORD);
    HttpResponse<Buffer> stored = await(WebClient.create(node.vertx()).post(node.httpPort(), "127.0.0.1", "/api/usage")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(csv())));
    assertEquals(201, stored.statusCode(), stored.bodyAsString());

    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    assertEquals("connection_ready", socket.next().getString("type"));
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "c-report")
        .put("text", "What will we spend by the end of the month?"));
    List<JsonObject> frames = socket.until("run_completed", "run_failed");
    JsonObject completed = frames.get(frames.size() - 1);
    assertEquals("run_completed", completed.getString("type"), completed.encode());
    String runId = frames.get(0).getString("run_id");

    HttpResponse<Buffer> fetched = client.get("/api/runs/" + runId + "/report", token);
    assertEquals(200, fetched.statusCode(), fetched.bodyAsString());
    JsonObject body = fetched.bodyAsJsonObject();
    assertEquals(runId, body.getString("run_id"));
    assertEquals("completed", body.getString("status"));
    assertEquals(completed.getBoolean("degraded"), body.getBoolean("degraded"));
    assertEquals(completed.getString("final_response"), body.getString("markdown"));
    assertEquals(completed.getJsonObject("report"), body.getJsonObject("report"));
    assertEquals(List.of(), Schemas.get().problems(Schemas.REPORT_RESULT, new JsonObject()
        .put("markdown", body.getString("markdown")).put("report", body.getJsonObject("report"))));
    assertTrue(body.getJsonObject("report").getDouble("window_spend_usd") > 0, body.encode());
    assertFalse(body.getJsonObject("report").getJsonArray("method").isEmpty(), body.encode());

    String stranger = client.signup("other-" + UUID.randomUUID() + "@example.com", PASSWORD);
    assertNotFound(client.get("/api/runs/" + runId + "/report", stranger));
    assertNotFound(client.get("/api/runs/" + UUID.randomUUID() + "/report", token));
    assertNotFound(client.get("/api/runs/not-a-run/report", token));
    assertEquals(401, client.get("/api/runs/" + runId + "/report", "garbage").statusCode());
  }

  /** 120 short-answer calls on gpt-5.4 over the last 12 days, $0.25 each. */
  private static String csv() {
    StringBuilder csv = new StringBuilder("ts,provider,model,feature,input_tokens,output_tokens,cost_usd\n");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 120; i++) {
      csv.append(now.minus(i % 12, ChronoUnit.DAYS).minusSeconds(60L * i)).append(",openai,gpt-5.4,classifier,")
          .append(1000 + i).append(",20,0.25\n");
    }
    return csv.toString();
  }

  private static void assertNotFound(HttpResponse<Buffer> response) {
    assertEquals(404, response.statusCode(), response.bodyAsString());
    assertEquals("not_found", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }
}
