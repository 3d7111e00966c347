package apex.node;

import apex.runtime.TestServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every verticle in one JVM on a local bus, real PostgreSQL and Redis, driven like a browser would. */
class SingleNodeEndToEndTest {
  /** The dev profile (the only one that seeds the demo user and data) on the test's databases. */
  static final Map<String, String> DEV_WITH_TEST_SERVICES = Map.of("profile", "dev", "http.port", "0");
  static NodeLauncher.RunningNode node;
  static ApexClient client;
  static String demoToken;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(DEV_WITH_TEST_SERVICES), Role.all(), 1));
    client = new ApexClient(node.httpPort());
    demoToken = client.login("demo@apex.dev", "apex-demo-2026");
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  /** One login for the class: logins per account are rate limited. */
  private static String demoToken() {
    return demoToken;
  }

  /**
   * One node, local bus, one supervisor: when its own heartbeats come late (the lease held overdue
   * here for more than three sweeps), its sweeper must not adopt the run it is driving, which would
   * start a second pipeline for it. The run completes once, seq gapless, no adoption.
   */
  @Test
  void aSupervisorDoesNotAdoptTheRunItIsDriving() throws Exception {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(demoToken()));
    socket.next();
    String pgUrl = node.config().string("pg.url");
    List<JsonObject> events = new ArrayList<>();
    String runId;
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      runId = GoldenPath.askUntilTriageWaits(socket, "own-lease-" + UUID.randomUUID(), events);
      TestDatabase.holdLeaseOverdue(pgUrl, runId, Duration.ofMillis(3_500));
    }
    events.addAll(socket.until("run_completed", "run_failed"));
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).getLong("seq").intValue(), "gapless seq, each once, at " + events.get(i).encode());
    }
    assertEquals("run_completed", events.get(events.size() - 1).getString("type"));
    assertTrue(events.stream().noneMatch(e -> e.getString("reasoning", "").startsWith("Picked this run up")),
        "no adoption");
    assertEquals("0", TestDatabase.value(pgUrl, "SELECT adoptions FROM chat.runs WHERE id = '" + runId + "'"));
  }

  @Test
  void goldenPathStreamsEveryEventInOrderAndPersistsTheThread() {
    String token = demoToken();
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    JsonObject ready = socket.next();
    assertEquals("connection_ready", ready.getString("type"));
    JsonObject accepted = GoldenPath.ask(socket, "golden-" + UUID.randomUUID());

    JsonObject thread = client.get("/api/threads/" + accepted.getString("thread_id"), token).bodyAsJsonObject();
    JsonArray messages = thread.getJsonArray("messages");
    assertEquals(2, messages.size(), thread.encode());
    assertEquals("user", messages.getJsonObject(0).getString("role"));
    assertEquals(GoldenPath.QUESTION, messages.getJsonObject(0).getString("text"));
    assertEquals("assistant", messages.getJsonObject(1).getString("role"));
    assertTrue(messages.getJsonObject(1).getString("text").contains("$"));

    JsonObject run = client.get("/api/runs/" + accepted.getString("run_id"), token).bodyAsJsonObject();
    assertEquals("completed", run.getString("status"), run.encode());
    assertEquals(List.of("data", "optimizer", "report", "triage"), run.getJsonObject("stages").fieldNames().stream().sorted().toList());
    assertTrue(run.getLong("duration_ms") >= 0);

    JsonArray threads = client.get("/api/threads", token).bodyAsJsonObject().getJsonArray("threads");
    assertEquals(accepted.getString("thread_id"), threads.getJsonObject(0).getString("thread_id"), "newest first");
  }

  @Test
  void bearerSubprotocolIsAcceptedAndEchoed() {
    String token = demoToken();
    ApexClient.Socket socket = client.connect(new WebSocketConnectOptions().setURI("/ws")
        .addSubProtocol("bearer." + token));
    assertEquals("connection_ready", socket.next().getString("type"));
    assertEquals("bearer." + token, socket.ws.subProtocol());
  }

  @Test
  void badOrReusedTicketClosesWith1008() {
    String ticket = client.ticket(demoToken());
    ApexClient.Socket first = client.connectWithTicket(ticket);
    assertEquals("connection_ready", first.next().getString("type"));
    assertEquals(1008, client.connectWithTicket(ticket).awaitClose(), "a ticket is single-use");
    assertEquals(1008, client.connectWithTicket("not-a-ticket").awaitClose());
    assertEquals(1008, client.connect(new WebSocketConnectOptions().setURI("/ws")).awaitClose());
  }

  @Test
  void badFramesGetErrorsNamingTheProblemAndTheSocketStaysOpen() {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(demoToken()));
    socket.next();
    socket.sendText("{not json");
    assertError(socket.next(), "invalid_frame", "not a JSON object");
    socket.send(new JsonObject().put("type", "launch_rockets"));
    assertError(socket.next(), "unknown_type", "launch_rockets");
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "c-big").put("text", "x".repeat(9000)));
    assertError(socket.next(), "frame_too_large", "8192");
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "c-empty").put("text", "   "));
    JsonObject empty = socket.next();
    assertError(empty, "empty_message", "empty");
    assertEquals("c-empty", empty.getString("ref"));
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "c-who").put("text", "hi")
        .put("user_id", "someone-else"));
    assertError(socket.next(), "invalid_frame", "user_id");
    socket.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", socket.next().getString("type"), "the socket is still open");
  }

  @Test
  void aUserWithoutUsageGetsOnboardingAndCannotReadOthersRuns() {
    String email = "new-" + UUID.randomUUID() + "@example.com";
    String token = client.signup(email, "a long enough password");
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    socket.next();
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "c-1").put("text", GoldenPath.QUESTION));
    List<JsonObject> frames = socket.until("run_completed", "run_failed");
    JsonObject done = frames.get(frames.size() - 1);
    assertEquals("run_completed", done.getString("type"), done.encode());
    assertTrue(frames.stream().anyMatch(f -> "data".equals(f.getString("agent"))
        && "skipped".equals(f.getString("status"))), "data skipped");
    assertTrue(done.getString("final_response").contains("/api/usage"), done.getString("final_response"));

    String runId = frames.get(0).getString("run_id");
    HttpResponse<Buffer> other = client.get("/api/runs/" + runId, demoToken());
    assertEquals(404, other.statusCode(), "another user's run is not found, not forbidden");
    assertEquals("not_found", other.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void restErrorsCarryCodeAndMessage() {
    HttpResponse<Buffer> wrong = client.post("/api/auth/login",
        new JsonObject().put("email", "demo@apex.dev").put("password", "wrong password"), null);
    assertEquals(401, wrong.statusCode());
    assertEquals("invalid_credentials", wrong.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(401, client.post("/api/ws-ticket", null, "garbage").statusCode());
    assertEquals(400, await(io.vertx.ext.web.client.WebClient.create(node.vertx())
        .post(node.httpPort(), "127.0.0.1", "/api/auth/login").sendBuffer(Buffer.buffer("[1,2"))).statusCode());
  }

  @Test
  void readyReportsEveryServiceUp() {
    HttpResponse<Buffer> ready = client.get("/ready", "unused");
    assertEquals(200, ready.statusCode(), ready.bodyAsString());
    assertEquals(List.of("auth", "data", "optimizer", "report", "supervisor", "triage"), ready.bodyAsJsonObject().getJsonObject("services").fieldNames().stream().sorted().toList());
  }


  private static void assertError(JsonObject frame, String code, String mentions) {
    assertEquals("error", frame.getString("type"), frame.encode());
    assertEquals(code, frame.getString("code"), frame.encode());
    assertTrue(frame.getString("message").contains(mentions), frame.encode());
  }
}
