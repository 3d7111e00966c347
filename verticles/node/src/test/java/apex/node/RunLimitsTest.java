package apex.node;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.usage.UploadSession;
import apex.contracts.usage.UsageFile;
import apex.runtime.TestServices;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that takes one run and one upload at a time and gives each run 2 s, with its database made
 * slow on purpose (the usage table locked): a second run is refused {@code busy}, and a run that
 * cannot finish in time ends with {@code run_failed} {@code timeout}, saying what was done. A second
 * upload while one is still open is refused {@code busy}.
 */
class RunLimitsTest {
  static NodeLauncher.RunningNode node;
  static ApexClient client;
  static String pgUrl;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("http.port", "0", "runs.timeout_ms", "2000",
        "runs.max_in_flight_per_node", "1", "usage.max_in_flight_per_node", "1")), Role.all(), 1));
    client = new ApexClient(node.httpPort());
    pgUrl = node.config().string("pg.url");
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  private static ApexClient.Socket connect() {
    String token = client.signup("limits-" + UUID.randomUUID() + "@example.com", "correct horse battery");
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    socket.next();
    return socket;
  }

  private static void ask(ApexClient.Socket socket, String clientMsgId) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId).put("text", GoldenPath.QUESTION));
  }

  @Test
  void overTheNodesBoundANewRunIsRefusedBusy() throws Exception {
    ApexClient.Socket socket = connect();
    List<JsonObject> frames = new ArrayList<>();
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      ask(socket, "first");
      assertEquals("run_accepted", socket.next().getString("type"));
      ask(socket, "second");
      frames.addAll(socket.until("error"));
      frames.addAll(socket.until("run_failed"));
    }
    JsonObject busy = frames.stream().filter(f -> "error".equals(f.getString("type"))).findFirst().orElseThrow();
    assertEquals("busy", busy.getString("code"), busy.encode());
    assertEquals("second", busy.getString("ref"));
    assertTrue(busy.getLong("retry_after_ms") > 0, busy.encode());
    assertTrue(busy.getString("message").contains("1 analyses in progress"), busy.encode());
    assertTrue(frames.stream().noneMatch(f -> "run_accepted".equals(f.getString("type"))), "no second run started");
  }

  @Test
  void aRunPastItsDeadlineFailsWithTimeoutAndSaysWhatWasDone() throws Exception {
    ApexClient.Socket socket = connect();
    List<JsonObject> frames;
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      ask(socket, "slow");
      frames = socket.until("run_failed", "run_completed");
    }
    JsonObject failed = frames.get(frames.size() - 1);
    assertEquals("run_failed", failed.getString("type"), failed.encode());
    assertEquals("timeout", failed.getString("code"));
    assertEquals("The run did not finish within 2000 ms; no stage had finished.", failed.getString("message"));
    assertEquals(List.of(), failed.getJsonArray("completed_stages").getList());
    String runId = frames.get(0).getString("run_id");
    TestDatabase.awaitValue(pgUrl, "failed timeout",
        "SELECT status || ' ' || error_code FROM chat.runs WHERE id = '" + runId + "'");
  }

  /**
   * Uploads are bounded per node too: with one upload session open on data (as ws-bridge opens it
   * for a body still arriving), another is refused {@code busy}; once the first ends, the slot is
   * free again.
   */
  @Test
  void overTheNodesBoundANewUploadIsRefusedBusyUntilTheFirstEnds() throws InterruptedException {
    String userId = client.get("/api/auth/me", client.signup("limits-" + UUID.randomUUID() + "@example.com",
        "correct horse battery")).bodyAsJsonObject().getString("user_id");
    JsonObject file = new UsageFile(userId, "usage.csv", "text/csv", null, 0).toJson();
    EventBus bus = node.vertx().eventBus();
    String first = await(bus.<JsonObject>request(Addresses.DATA_INGEST, file)).body().getString(UploadSession.ADDRESS);

    Throwable busy = failureOf(bus.request(Addresses.DATA_INGEST, file));
    assertEquals(ErrorCode.BUSY, ErrorCode.of(busy), String.valueOf(busy));
    assertTrue(busy.getMessage().contains("already storing 1 uploads"), busy.getMessage());

    await(bus.request(first, Buffer.buffer(), new DeliveryOptions().addHeader(UploadSession.STEP, UploadSession.ABORT)));
    String next = awaitSlot(bus, file);
    await(bus.request(next, Buffer.buffer(), new DeliveryOptions().addHeader(UploadSession.STEP, UploadSession.ABORT)));
  }

  /** How {@code call} failed; null if it succeeded. */
  private static Throwable failureOf(Future<?> call) {
    return await(call.transform(done -> Future.succeededFuture(done.cause())));
  }

  /** Opens an upload session, trying again while the abandoned one still gives its slot back. */
  private static String awaitSlot(EventBus bus, JsonObject file) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      Future<Message<JsonObject>> opened = bus.request(Addresses.DATA_INGEST, file);
      Throwable refused = failureOf(opened);
      if (refused == null) {
        return opened.result().body().getString(UploadSession.ADDRESS);
      }
      assertEquals(ErrorCode.BUSY, ErrorCode.of(refused), refused.getMessage());
      Thread.sleep(100);
    }
    throw new AssertionError("the upload slot did not come back");
  }
}
