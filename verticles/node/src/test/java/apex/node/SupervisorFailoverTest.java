package apex.node;

import apex.contracts.Addresses;
import apex.contracts.run.RunRef;
import apex.contracts.stage.Entities;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import apex.runtime.TestServices;
import apex.runtime.config.ApexConfig;
import apex.runtime.events.EventLog;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.storage.RedisStore;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three clustered nodes: the edge with auth and every stage, and two supervisors. The supervisor
 * holding a run is stopped mid-run; the other one adopts the run and finishes it, and the browser
 * sees every event exactly once with a gapless seq.
 */
class SupervisorFailoverTest {
  static NodeLauncher.RunningNode edge;
  static NodeLauncher.RunningNode first;
  static NodeLauncher.RunningNode second;
  static ApexClient client;
  static String pgUrl;

  @BeforeAll
  static void start() {
    String cluster = "apex-failover-" + UUID.randomUUID();
    edge = await(NodeLauncher.start(clustered(cluster), List.of(Role.AUTH, Role.TRIAGE, Role.DATA, Role.OPTIMIZER,
        Role.REPORT, Role.WS_BRIDGE), 1));
    first = await(NodeLauncher.start(clustered(cluster), List.of(Role.SUPERVISOR), 1));
    second = await(NodeLauncher.start(clustered(cluster), List.of(Role.SUPERVISOR), 1));
    client = new ApexClient(edge.httpPort());
    pgUrl = edge.config().string("pg.url");
  }

  private static ApexConfig clustered(String name) {
    return TestServices.config(Map.of("http.port", "0", "cluster.enabled", "true", "cluster.name", name));
  }

  @AfterAll
  static void stop() {
    client.close();
    for (NodeLauncher.RunningNode node : new NodeLauncher.RunningNode[] {second, first, edge}) {
      if (node != null) {
        await(node.close());
      }
    }
  }

  private static String signup() {
    return client.signup("failover-" + UUID.randomUUID() + "@example.com", "correct horse battery");
  }

  @Test
  void aRunWhoseSupervisorStopsIsFinishedByAnotherAndEveryEventArrivesOnce() throws Exception {
    String token = signup();
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    assertEquals("connection_ready", socket.next().getString("type"));
    List<JsonObject> events = new ArrayList<>();
    String runId;
    Instant stoppedAt;
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "failover-1")
          .put("text", GoldenPath.QUESTION));
      JsonObject accepted = socket.next();
      assertEquals("run_accepted", accepted.getString("type"), accepted.encode());
      runId = accepted.getString("run_id");
      // Triage waits on the usage table: the run is caught between its first events and its answer.
      JsonObject frame;
      do {
        frame = socket.next();
        events.add(frame);
      } while (!"check_data_coverage".equals(frame.getString("tool")));
      String owner = TestDatabase.value(pgUrl, "SELECT owner FROM chat.runs WHERE id = '" + runId + "'");
      NodeLauncher.RunningNode holder = owner.startsWith(first.config().nodeId() + "/") ? first : second;
      stoppedAt = Instant.now();
      await(holder.close());
    }
    events.addAll(socket.until("run_completed", "run_failed"));

    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).getLong("seq").intValue(), "gapless seq, each once, at " + events.get(i).encode());
      assertEquals(runId, events.get(i).getString("run_id"));
    }
    assertEquals("run_completed", events.get(events.size() - 1).getString("type"), events.get(events.size() - 1).encode());
    List<JsonObject> pickedUp = events.stream().filter(e -> "supervisor".equals(e.getString("agent"))
        && e.getString("reasoning", "").startsWith("Picked this run up")).toList();
    assertEquals(1, pickedUp.size(), "one adoption: " + pickedUp);
    Duration resumedAfter = Duration.between(stoppedAt, Instant.parse(pickedUp.get(0).getString("ts")));
    System.out.println("failover: run " + runId + " resumed " + resumedAfter.toMillis() + " ms after its supervisor stopped");
    assertTrue(resumedAfter.toMillis() < 10_000, "resumed within 10 s, took " + resumedAfter);

    // The end is shown first, then recorded (so a supervisor dying in between cannot hide it).
    TestDatabase.awaitValue(pgUrl, "completed", "SELECT status FROM chat.runs WHERE id = '" + runId + "'");
    // A client that reconnects replays the rest from the log: the same events, each once.
    ApexClient.Socket again = client.connectWithTicket(client.ticket(token));
    again.next();
    again.send(new JsonObject().put("type", "resume").put("run_id", runId).put("after_seq", 3));
    List<JsonObject> replayed = again.until("run_completed", "run_failed");
    assertEquals(events.subList(3, events.size()).stream().map(e -> e.getLong("seq")).toList(),
        replayed.stream().map(e -> e.getLong("seq")).toList());
    // The run's trace, written once the run ended: every event, once.
    TestDatabase.awaitValue(pgUrl, events.size() + "/" + events.size(),
        "SELECT count(DISTINCT e ->> 'seq') || '/' || count(*) "
            + "FROM chat.run_traces t, json_array_elements(t.events) e WHERE t.run_id = '" + runId + "'");
  }

  /**
   * A supervisor that dies without a word leaves its run held under a lease nobody renews. Here the
   * run is handed to such an owner in the database; the supervisor that was driving it finds at its
   * next write or heartbeat that the run is no longer its own and stops silently, and once the lease
   * runs out a supervisor adopts the run and finishes it.
   */
  @Test
  void aRunWhoseLeaseRunsOutIsAdoptedAndItsFormerDriverStopsQuietly() throws Exception {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(signup()));
    socket.next();
    List<JsonObject> events = new ArrayList<>();
    Instant crashedAt;
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      String runId = GoldenPath.askUntilTriageWaits(socket, "lease-1", events);
      crashedAt = Instant.now();
      assertEquals("crashed-node/0", TestDatabase.value(pgUrl, "UPDATE chat.runs SET owner = 'crashed-node/0', "
          + "lease_until = now() + interval '2 seconds' WHERE id = '" + runId + "' RETURNING owner"));
    }
    events.addAll(socket.until("run_completed", "run_failed"));

    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).getLong("seq").intValue(), "gapless seq, each once, at " + events.get(i).encode());
    }
    assertEquals("run_completed", events.get(events.size() - 1).getString("type"));
    List<JsonObject> pickedUp = events.stream()
        .filter(e -> e.getString("reasoning", "").startsWith("Picked this run up after crashed-node/0")).toList();
    assertEquals(1, pickedUp.size(), "one adoption: " + pickedUp);
    Duration resumedAfter = Duration.between(crashedAt, Instant.parse(pickedUp.get(0).getString("ts")));
    System.out.println("failover: run whose 2 s lease was left to run out resumed " + resumedAfter.toMillis() + " ms later");
    assertTrue(resumedAfter.toMillis() < 10_000, "resumed within 10 s, took " + resumedAfter);
  }

  /**
   * On a loaded machine a heartbeat can come later than the lease: the supervisor is alive (its node
   * is a cluster member) and still driving the run. Its lease is held overdue here for longer than
   * three sweeps of the other supervisor; the run is not taken from it, and it finishes the run
   * itself, without an adoption.
   */
  @Test
  void aLiveSupervisorWhoseHeartbeatIsLateKeepsItsRun() throws Exception {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(signup()));
    socket.next();
    List<JsonObject> events = new ArrayList<>();
    String runId;
    String owner;
    try (AutoCloseable slowDatabase = TestDatabase.lockUsage(pgUrl)) {
      runId = GoldenPath.askUntilTriageWaits(socket, "late-heartbeat-1", events);
      owner = TestDatabase.value(pgUrl, "SELECT owner FROM chat.runs WHERE id = '" + runId + "'");
      TestDatabase.holdLeaseOverdue(pgUrl, runId, Duration.ofMillis(3_500));
      assertEquals(owner, TestDatabase.value(pgUrl, "SELECT owner FROM chat.runs WHERE id = '" + runId + "'"),
          "the run stays with its live supervisor");
    }
    events.addAll(socket.until("run_completed", "run_failed"));

    assertEquals("run_completed", events.get(events.size() - 1).getString("type"), events.get(events.size() - 1).encode());
    assertTrue(events.stream().noneMatch(e -> e.getString("reasoning", "").startsWith("Picked this run up")),
        "no adoption");
    assertEquals("0", TestDatabase.value(pgUrl, "SELECT adoptions FROM chat.runs WHERE id = '" + runId + "'"));
    assertEquals(owner, TestDatabase.value(pgUrl, "SELECT owner FROM chat.runs WHERE id = '" + runId + "'"));
  }

  /**
   * A supervisor that records a run's end and dies before placing it: the run is left with its
   * pending end under a lease nobody renews. The end is recorded without the answer (that is kept
   * once, with the report stage); the adopter places it whole, the same answer the run gave.
   */
  @Test
  void anEndRecordedButNotShownIsShownWholeByTheAdopter() throws Exception {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(signup()));
    socket.next();
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "pending-end-1")
        .put("text", GoldenPath.QUESTION));
    List<JsonObject> events = socket.until("run_completed", "run_failed");
    JsonObject completed = events.get(events.size() - 1);
    assertEquals("run_completed", completed.getString("type"), completed.encode());
    String runId = completed.getString("run_id");
    long seq = completed.getLong("seq");
    TestDatabase.awaitValue(pgUrl, "completed", "SELECT status FROM chat.runs WHERE id = '" + runId + "'");

    // As if its holder died between recording the end and placing it: the log stops before it.
    RedisAPI redis = RedisStore.api(edge.vertx(), edge.config());
    await(redis.zremrangebyscore(RunEventEmitter.logKey(runId), String.valueOf(seq), String.valueOf(seq)));
    await(redis.set(List.of(RunEventEmitter.seqKey(runId), String.valueOf(seq - 1))));
    TestDatabase.value(pgUrl, "UPDATE chat.runs SET owner = 'crashed-node/0', lease_until = now(), pending_end = "
        + "'{\"type\":\"run_completed\",\"fields\":{\"degraded\":false,\"degraded_reasons\":[]}}' "
        + "WHERE id = '" + runId + "' RETURNING id");

    EventLog log = new EventLog(redis);
    JsonObject shown = null;
    long until = System.nanoTime() + 15_000_000_000L;
    for (; shown == null && System.nanoTime() < until; Thread.sleep(200)) {
      shown = await(log.last(runId)).filter(e -> "run_completed".equals(e.getString("type"))).orElse(null);
    }
    assertTrue(shown != null, "the adopter placed the recorded end");
    // A supervisor that placed events of the run before never numbers at or below them again.
    assertTrue(shown.getLong("seq") >= seq, "the end comes after the events placed: " + shown.getLong("seq"));
    assertEquals(completed.getString("final_response"), shown.getString("final_response"));
    assertEquals(completed.getJsonObject("report"), shown.getJsonObject("report"));
    assertEquals(false, shown.getBoolean("degraded"));
    TestDatabase.awaitValue(pgUrl, "t", "SELECT pending_end IS NULL FROM chat.runs WHERE id = '" + runId + "'");
  }

  @Test
  void aStageAskedTwiceForOneRunAnswersTheSameWithoutWorkingAgain() {
    String userId = client.get("/api/auth/me", signup()).bodyAsJsonObject().getString("user_id");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Window window = new Window(today.minusDays(29).toString(), today.toString(), 30);
    String runId = UUID.randomUUID().toString();
    StageRequest request = new StageRequest(new RunRef(runId, UUID.randomUUID().toString(), userId), GoldenPath.QUESTION,
        new TriageResult("cost_analysis", Entities.none(), window, TriageResult.SUFFICIENT, 0, 1.0,
            List.of("data", "optimizer", "report"), "rules"), null, null);
    EventLog log = new EventLog(RedisStore.api(edge.vertx(), edge.config()));

    JsonObject answered = ask(request);
    int shown = await(log.range(runId, 1, 0)).size();
    JsonObject askedAgain = ask(request);

    assertEquals(answered, askedAgain);
    assertTrue(shown >= 16, "the first answer was worked out, tool by tool: " + shown + " events");
    assertEquals(shown, await(log.range(runId, 1, 0)).size(), "the second answer did no work and showed none");
  }

  @Test
  void aStageRequestThatIsNotAJsonObjectIsRefusedByName() {
    Throwable refused = assertThrows(Throwable.class, () -> await(edge.vertx().eventBus()
        .request(Addresses.STAGE_DATA, "not a request", new DeliveryOptions().setSendTimeout(10_000))));
    assertTrue(refused.getMessage().contains("data: the request is not a JSON object"), refused.toString());
  }

  private static JsonObject ask(StageRequest request) {
    return await(edge.vertx().eventBus().<JsonObject>request(Addresses.STAGE_DATA, request.toJson(),
        new DeliveryOptions().setSendTimeout(30_000)).map(Message::body));
  }
}
