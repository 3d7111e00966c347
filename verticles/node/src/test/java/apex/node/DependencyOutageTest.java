package apex.node;

import apex.runtime.TestServices;
import apex.runtime.devservices.DevServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL, then Redis, taken away from a running node (its own embedded databases, stopped and
 * started again): nothing crashes, the node says what is missing, and it recovers by itself.
 */
class DependencyOutageTest {
  static DevServices services;
  static NodeLauncher.RunningNode node;
  static ApexClient client;

  @BeforeAll
  static void start() throws IOException {
    services = DevServices.startEphemeral();
    node = await(NodeLauncher.start(TestServices.config(Map.of("http.port", "0", "pg.url", services.pgUrl(),
        "redis.url", services.redisUrl())), Role.all(), 1));
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
    services.close();
  }

  private static String signup() {
    return client.signup("outage-" + UUID.randomUUID() + "@example.com", "correct horse battery");
  }

  private static List<JsonObject> ask(ApexClient.Socket socket) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "m-" + UUID.randomUUID())
        .put("text", GoldenPath.QUESTION));
    return socket.until("run_completed", "run_failed");
  }

  /** Asks again until the answer has {@code status}: recovery is automatic but not instant. */
  private static HttpResponse<Buffer> eventually(int status, Supplier<HttpResponse<Buffer>> call) throws InterruptedException {
    HttpResponse<Buffer> response = call.get();
    for (int i = 0; i < 60 && response.statusCode() != status; i++) {
      Thread.sleep(500);
      response = call.get();
    }
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response;
  }

  @Test
  void withPostgresDownReadyIsFalseNewRunsFailFastAndAllRecovers() throws Exception {
    String token = signup();
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    socket.next();
    List<JsonObject> refused;
    services.stopPostgres();
    try {
      HttpResponse<Buffer> ready = client.get("/ready", token);
      assertEquals(503, ready.statusCode(), ready.bodyAsString());
      assertEquals("DOWN", ready.bodyAsJsonObject().getJsonObject("services").getJsonObject("supervisor").getString("status"));
      refused = ask(socket);
    } finally {
      services.startPostgres();
    }
    assertEquals("run_accepted", refused.get(0).getString("type"));
    JsonObject failed = refused.get(refused.size() - 1);
    assertEquals("run_failed", failed.getString("type"), failed.encode());
    assertEquals("storage_unavailable", failed.getString("code"));
    assertTrue(failed.getString("message").contains("database cannot be reached"), failed.encode());

    eventually(200, () -> client.get("/ready", token));
    List<JsonObject> again = ask(socket);
    JsonObject answered = again.get(again.size() - 1);
    assertEquals("run_completed", answered.getString("type"), answered.encode());
  }

  /**
   * A run caught mid-stage when PostgreSQL goes away ends {@code storage_unavailable}, shown but not
   * recorded; once PostgreSQL is back its own supervisor records the end (no adoption needed).
   */
  @Test
  void aRunEndingWhilePostgresIsAwayIsRecordedByItsSupervisorOnceItIsBack() throws Exception {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(signup()));
    socket.next();
    String runId;
    List<JsonObject> frames;
    AutoCloseable slowDatabase = TestDatabase.lockUsage(services.pgUrl());
    try {
      socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "m-" + UUID.randomUUID())
          .put("text", GoldenPath.QUESTION));
      runId = socket.next().getString("run_id");
      // Triage's coverage check waits on the locked usage tables.
      JsonObject frame;
      do {
        frame = socket.next();
      } while (!"check_data_coverage".equals(frame.getString("tool")));
      services.stopPostgres();
      frames = socket.until("run_completed", "run_failed");
    } finally {
      try {
        slowDatabase.close();
      } catch (Exception gone) {
        // Its connection went with the server.
      }
      services.startPostgres();
    }
    JsonObject failed = frames.get(frames.size() - 1);
    assertEquals("run_failed", failed.getString("type"), failed.encode());
    assertEquals("storage_unavailable", failed.getString("code"), failed.encode());
    TestDatabase.awaitValue(services.pgUrl(), "failed/0/true", "SELECT status || '/' || adoptions || '/' "
        + "|| (pending_end IS NULL) FROM chat.runs WHERE id = '" + runId + "'");
  }

  @Test
  void withRedisDownTicketsAre503ButBearerSocketsAndLiveEventsWork() throws Exception {
    String token = signup();
    List<JsonObject> frames;
    JsonObject replay;
    services.stopRedis();
    try {
      HttpResponse<Buffer> ticket = client.post("/api/ws-ticket", null, token);
      assertEquals(503, ticket.statusCode(), ticket.bodyAsString());
      JsonObject error = ticket.bodyAsJsonObject().getJsonObject("error");
      assertEquals("unavailable", error.getString("code"));
      assertTrue(error.getString("message").contains("Redis") && error.getString("message").contains("bearer."),
          error.encode());

      ApexClient.Socket socket = client.connect(new WebSocketConnectOptions().setURI("/ws")
          .addSubProtocol("bearer." + token));
      assertEquals("connection_ready", socket.next().getString("type"));
      frames = ask(socket);
      socket.send(new JsonObject().put("type", "resume").put("run_id", frames.get(0).getString("run_id")).put("after_seq", 0));
      replay = socket.next();
    } finally {
      services.startRedis();
    }
    assertEquals("run_accepted", frames.get(0).getString("type"));
    List<JsonObject> events = frames.subList(1, frames.size());
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).getLong("seq").intValue(), "gapless live seq at " + events.get(i).encode());
    }
    assertEquals("run_completed", events.get(events.size() - 1).getString("type"));
    assertTrue(events.stream().anyMatch(e -> "triage".equals(e.getString("agent")) && "tool_completed".equals(e.getString("type"))),
        "the stages' own events flow too");
    assertEquals("error", replay.getString("type"), replay.encode());
    assertEquals("unavailable", replay.getString("code"));
    assertTrue(replay.getString("message").startsWith("replay is unavailable"), replay.encode());

    eventually(200, () -> client.post("/api/ws-ticket", null, token));
  }
}
