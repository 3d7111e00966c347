package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static apex.bus.MeshUnderTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every apex-bus subcommand against a running node through the real bridge, with tokens from the
 * real auth flow: the seeded admin of the dev profile, an operator granted by config, a plain user.
 */
class ApexBusTest {
  static final String OPERATOR = "watcher-" + UUID.randomUUID() + "@example.com";
  static MeshUnderTest mesh;
  static String admin;
  static String operator;
  static String user;
  static String runId;

  @BeforeAll
  static void start() {
    try {
      mesh = new MeshUnderTest(Map.of("auth.operators", OPERATOR));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    admin = mesh.login("ops@apex.dev", "apex-ops-2026");
    operator = mesh.signup(OPERATOR, "watch-the-bus-2026");
    user = mesh.login("demo@apex.dev", "apex-demo-2026");
    // A silent consumer, for the timeout case: it takes requests and never answers.
    await(mesh.node.vertx().eventBus().consumer("apex.stage.silent", message -> { }).completion());
    runId = mesh.runAnalysis(user).getString("run_id");
  }

  @AfterAll
  static void stop() {
    mesh.close();
  }

  @Test
  void helpNamesEverySubcommandAndTheExitCodes() {
    MeshUnderTest.Result help = mesh.run(Map.of(), "", "--help");
    assertEquals(0, help.exit());
    for (String command : List.of("login", "tail", "request", "publish", "services", "nodes", "breakers", "trace",
        "doctor", "generate-completion")) {
      assertTrue(help.out().contains(command), command + " in " + help.out());
    }
    assertTrue(help.out().contains("Exit codes: 0 ok, 1 failure or problems found, 2 usage error."));
  }

  @Test
  void completionScriptIsGenerated() {
    MeshUnderTest.Result completion = mesh.run(Map.of(), "", "generate-completion");
    assertEquals(0, completion.exit());
    assertTrue(completion.out().contains("complete -F"), completion.out());
  }

  @Test
  void usageErrorsExitTwoAndSayWhat() {
    MeshUnderTest.Result missing = mesh.withToken(admin, "request");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("Missing required parameter: 'ADDRESS'"), missing.err());

    MeshUnderTest.Result badJson = mesh.withToken(admin, "request", "apex.stage.triage", "{not json");
    assertEquals(2, badJson.exit());
    assertTrue(badJson.err().contains("the body is not a JSON object"), badJson.err());

    MeshUnderTest.Result badPattern = mesh.withToken(operator, "tail", "apex stage");
    assertEquals(2, badPattern.exit());
    assertTrue(badPattern.err().contains("address pattern 'apex stage'"), badPattern.err());
  }

  @Test
  void bridgeDownIsAClearFailure() throws Exception {
    int closed = MeshUnderTest.freePort();
    MeshUnderTest.Result down = mesh.withToken(admin, "--port", String.valueOf(closed), "services");
    assertEquals(1, down.exit());
    assertTrue(down.err().startsWith("apex-bus: cannot reach the bridge at 127.0.0.1:" + closed), down.err());
    assertFalse(down.err().contains("Exception"), down.err());
  }

  @Test
  void withoutATokenItSaysHowToGetOne(@TempDir Path home) {
    MeshUnderTest.Result none = mesh.run(Map.of("APEX_BUS_HOME", home.toString()), "", "services");
    assertEquals(1, none.exit());
    assertTrue(none.err().contains("no token: run apex-bus login"), none.err());
  }

  @Test
  void wrongTokensAreRefusedByTheBridge() {
    MeshUnderTest.Result garbage = mesh.withToken("not-a-jwt", "services");
    assertEquals(1, garbage.exit());
    assertTrue(garbage.err().contains("unauthorized: token rejected"), garbage.err());

    MeshUnderTest.Result plainUser = mesh.withToken(user, "services");
    assertEquals(1, plainUser.exit());
    assertTrue(plainUser.err().contains("forbidden: apex.inspector.services needs the operator role"), plainUser.err());

    MeshUnderTest.Result operatorSends = mesh.withToken(operator, "request", "apex.stage.triage", "{}");
    assertEquals(1, operatorSends.exit());
    assertTrue(operatorSends.err().contains("needs the admin role"), operatorSends.err());
  }

  @Test
  void addressesOutsideThePermissionsAreRefusedEvenForAdmins() {
    MeshUnderTest.Result auth = mesh.withToken(admin, "request", Addresses.AUTH_LOGIN,
        "{\"email\":\"demo@apex.dev\",\"password\":\"x\"}");
    assertEquals(1, auth.exit());
    assertTrue(auth.err().contains("address apex.auth.login is not permitted"), auth.err());

    MeshUnderTest.Result publish = mesh.withToken(admin, "publish", Addresses.AUTH_REVOKED, "{}");
    assertEquals(1, publish.exit());
    assertTrue(publish.err().contains("not permitted"), publish.err());
  }

  @Test
  void requestAnswersTheReplyOrNamesTheProblem() {
    MeshUnderTest.Result unknown = mesh.withToken(admin, "request", "apex.stage.nosuch", "{}");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("nothing on the bus serves apex.stage.nosuch"), unknown.err());

    MeshUnderTest.Result silent = mesh.withToken(admin, "request", "apex.stage.silent", "{}", "--timeout", "300");
    assertEquals(1, silent.exit());
    assertTrue(silent.err().contains("no answer from apex.stage.silent within 300 ms"), silent.err());

    MeshUnderTest.Result business = mesh.run(Map.of("APEX_BUS_TOKEN", admin), "{}", "request", Addresses.STAGE_TRIAGE);
    assertEquals(1, business.exit());
    assertTrue(business.err().contains("triage: the request names no run"), business.err());

    MeshUnderTest.Result services = mesh.withToken(admin, "request", Addresses.INSPECTOR_SERVICES, "{}");
    assertEquals(0, services.exit(), services.err());
    assertTrue(new JsonObject(services.out()).getJsonArray("services").size() > 0);
  }

  @Test
  void publishGoesOutThroughTheBridge() throws Exception {
    CompletableFuture<JsonObject> received = new CompletableFuture<>();
    await(mesh.node.vertx().eventBus().<JsonObject>consumer("apex.stage.board", m -> received.complete(m.body())).completion());
    MeshUnderTest.Result published = mesh.withToken(admin, "publish", "apex.stage.board", "{\"hello\":1}");
    assertEquals(0, published.exit(), published.err());
    assertEquals(new JsonObject().put("hello", 1), received.get(30, TimeUnit.SECONDS));
  }

  @Test
  void loginSavesASessionTheOtherCommandsUse(@TempDir Path home) {
    MeshUnderTest.Result login = mesh.run(Map.of("APEX_BUS_HOME", home.toString()), "apex-ops-2026\n",
        "login", "--email", "ops@apex.dev", "--password-stdin");
    assertEquals(0, login.exit(), login.err());
    assertTrue(login.out().contains("roles [\"user\",\"admin\",\"operator\"]"), login.out());

    MeshUnderTest.Result services = mesh.run(Map.of("APEX_BUS_HOME", home.toString()), "", "services");
    assertEquals(0, services.exit(), services.err());

    MeshUnderTest.Result demo = mesh.run(Map.of("APEX_BUS_HOME", home.toString()), "apex-demo-2026\n",
        "login", "--email", "demo@apex.dev", "--password-stdin");
    assertEquals(1, demo.exit(), "the demo user is no operator");
    assertTrue(demo.err().contains("neither the operator nor the admin role"), demo.err());

    MeshUnderTest.Result wrong = mesh.run(Map.of("APEX_BUS_HOME", home.toString()), "nope\n",
        "login", "--email", "ops@apex.dev", "--password-stdin");
    assertEquals(1, wrong.exit());
    assertTrue(wrong.err().contains("invalid_credentials"), wrong.err());
  }

  @Test
  void servicesListsEveryStageWithItsNode() {
    MeshUnderTest.Result table = mesh.withToken(operator, "services");
    assertEquals(0, table.exit(), table.err());
    for (String address : List.of(Addresses.STAGE_TRIAGE, Addresses.STAGE_DATA, Addresses.STAGE_OPTIMIZER,
        Addresses.STAGE_REPORT, Addresses.SUPERVISOR_START)) {
      assertTrue(table.out().contains(address), address + " in " + table.out());
    }
    JsonArray json = new JsonArray(mesh.withToken(operator, "services", "--json").out());
    JsonObject triage = json.stream().map(JsonObject.class::cast).filter(s -> "triage".equals(s.getString("name")))
        .findFirst().orElseThrow();
    assertEquals(mesh.node.config().nodeId(), triage.getString("node_id"));
    assertEquals(1, triage.getInteger("instances"));
    assertTrue(triage.getBoolean("live"));
  }

  @Test
  void nodesShowWhatEachNodeRunsAndThatItIsReady() {
    JsonArray nodes = new JsonArray(mesh.withToken(operator, "nodes", "--json").out());
    assertEquals(1, nodes.size());
    JsonObject node = nodes.getJsonObject(0);
    assertEquals(mesh.node.config().nodeId(), node.getString("node_id"));
    assertEquals(1, node.getJsonObject("verticles").getInteger("inspector"));
    assertTrue(node.getBoolean("ready"), node.encode());
    MeshUnderTest.Result table = mesh.withToken(operator, "nodes");
    assertTrue(table.out().contains("supervisor ×1") && table.out().contains("ready"), table.out());
  }

  @Test
  void breakersShowTheSupervisorsStageBreakers() {
    JsonArray breakers = new JsonArray(mesh.withToken(operator, "breakers", "--json").out().strip());
    List<String> names = breakers.stream().map(b -> ((JsonObject) b).getString("name")).toList();
    assertTrue(names.containsAll(List.of("triage", "data", "optimizer", "report")), names.toString());
    breakers.stream().map(JsonObject.class::cast).forEach(b -> assertEquals("CLOSED", b.getString("state"), b.encode()));

    MeshUnderTest.Result watch = mesh.withToken(operator, "breakers", "--watch", "--count", "2", "--interval", "1");
    assertEquals(0, watch.exit(), watch.err());
    assertEquals(2, watch.out().lines().filter(l -> l.startsWith("— ")).count(), watch.out());
  }

  @Test
  void traceShowsTheRunsTimeline() throws InterruptedException {
    JsonObject trace = new JsonObject(mesh.withToken(operator, "trace", runId, "--json").out());
    // Written by the supervisor once the run ended; until then the live log answers.
    for (int tries = 0; !"trace".equals(trace.getString("source")) && tries < 50; tries++) {
      Thread.sleep(100);
      trace = new JsonObject(mesh.withToken(operator, "trace", runId, "--json").out());
    }
    assertEquals("trace", trace.getString("source"), trace.encode());
    assertEquals("completed", trace.getJsonObject("run").getString("status"));
    assertFalse(trace.getJsonArray("events").isEmpty());
    // The answer is stored once, with the report stage, and is back in the run_completed read from the trace.
    JsonObject completed = trace.getJsonArray("events").getJsonObject(trace.getJsonArray("events").size() - 1);
    assertEquals("run_completed", completed.getString("type"));
    assertTrue(completed.getString("final_response").startsWith("#"), completed.encode());
    assertFalse(completed.getJsonObject("report").getJsonArray("recommendations").isEmpty(), completed.encode());
    MeshUnderTest.Result timeline = mesh.withToken(operator, "trace", runId);
    assertEquals(0, timeline.exit(), timeline.err());
    for (String expected : List.of("run " + runId + "  completed", "triage", "tool classify_intent",
        "tool spend_totals done in", "run completed")) {
      assertTrue(timeline.out().contains(expected), expected + " in " + timeline.out());
    }

    MeshUnderTest.Result unknown = mesh.withToken(operator, "trace", UUID.randomUUID().toString());
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("run not found"), unknown.err());
  }

  @Test
  void doctorIsHealthyThenNamesAStaleRecord() {
    MeshUnderTest.Result healthy = mesh.withToken(operator, "doctor");
    assertEquals(0, healthy.exit(), healthy.out() + healthy.err());
    assertTrue(healthy.out().endsWith("healthy\n"), healthy.out());

    // What a node killed without warning leaves behind: its record, naming a node that is gone.
    ServiceDiscovery discovery = ServiceDiscovery.create(mesh.node.vertx());
    Record left = await(discovery.publish(new Record().setName("report").setType("apex-eventbus")
        .setLocation(new JsonObject().put("endpoint", Addresses.STAGE_REPORT))
        .setMetadata(new JsonObject().put("node_id", "killed-node").put("version", "0.1.0").put("contract_version", "1"))));
    try {
      MeshUnderTest.Result sick = mesh.withToken(operator, "doctor");
      assertEquals(1, sick.exit(), sick.out());
      assertTrue(sick.out().contains("PROBLEM  stale_records"), sick.out());
      assertTrue(sick.out().contains("1 discovery record(s) of nodes that are gone: report on node killed-node"), sick.out());
      assertTrue(sick.out().endsWith("problems found\n"), sick.out());
    } finally {
      await(discovery.unpublish(left.getRegistration()));
      discovery.close();
    }
  }

  @Test
  void tailRunShowsOnlyThatRunsMessages() throws Exception {
    String watched = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    CompletableFuture<MeshUnderTest.Result> tail = CompletableFuture.supplyAsync(() ->
        mesh.withToken(operator, "tail", "apex.stage.*", "--run", watched, "--json", "--count", "2"));
    // Both runs ask triage in turn until tail has seen two of the watched run's messages.
    MeshUnderTest.Result result = whileTailing(tail, () -> {
      for (String run : List.of(other, watched)) {
        await(mesh.node.vertx().eventBus().request(Addresses.STAGE_TRIAGE, new JsonObject()
            .put("run", new JsonObject().put("run_id", run).put("thread_id", UUID.randomUUID().toString())
                .put("user_id", UUID.randomUUID().toString()))
            .put("question", "Which model costs the most?")));
      }
    });
    assertEquals(0, result.exit(), result.err());
    List<JsonObject> envelopes = result.out().lines().map(JsonObject::new).toList();
    assertEquals(2, envelopes.size(), result.out());
    envelopes.forEach(e -> {
      assertEquals(Addresses.STAGE_TRIAGE, e.getString("address"), e.encode());
      assertEquals(watched, e.getJsonObject("body").getJsonObject("run").getString("run_id"), e.encode());
    });
  }

  @Test
  void tailMirrorsStageTrafficWithSecretsRedacted() throws Exception {
    CompletableFuture<MeshUnderTest.Result> tail = CompletableFuture.supplyAsync(() ->
        mesh.withToken(operator, "tail", "apex.stage.triage", "apex.auth.login", "--json", "--count", "3"));
    // The tap mirrors only once tail has switched it on: keep logging in (each a request and its failure) until it saw enough.
    MeshUnderTest.Result result = whileTailing(tail,
        () -> mesh.login("nobody-" + UUID.randomUUID() + "@example.com", "wrong-password"));
    assertEquals(0, result.exit(), result.err());
    List<JsonObject> envelopes = result.out().lines().map(JsonObject::new).toList();
    assertEquals(3, envelopes.size(), result.out());
    JsonObject request = envelopes.stream().filter(e -> "request".equals(e.getString("kind"))).findFirst().orElseThrow();
    assertEquals(Addresses.AUTH_LOGIN, request.getString("address"));
    assertEquals(mesh.node.config().nodeId(), request.getString("node_id"));
    assertEquals("[redacted]", request.getJsonObject("body").getString("password"));
    assertTrue(request.getJsonObject("body").getString("email").startsWith("nobody-"), request.encode());
    assertTrue(envelopes.stream().anyMatch(e -> "failure".equals(e.getString("kind"))
        && Addresses.AUTH_LOGIN.equals(e.getString("address"))), result.out());
  }

  /** Makes {@code traffic} until {@code tail} has printed what it was asked for (the tap mirrors only once it is on). */
  private static MeshUnderTest.Result whileTailing(CompletableFuture<MeshUnderTest.Result> tail, Runnable traffic)
      throws Exception {
    while (!tail.isDone()) {
      traffic.run();
      try {
        tail.get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException stillWaiting) {
        // more traffic
      }
    }
    return tail.get();
  }
}
