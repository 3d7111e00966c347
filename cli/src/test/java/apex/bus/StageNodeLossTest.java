package apex.bus;

import apex.node.NodeLauncher;
import apex.node.Role;
import apex.runtime.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static apex.bus.MeshUnderTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator loses the node that holds a stage and watches apex-bus say so: two clustered nodes
 * (Hazelcast on loopback) in one JVM, the report stage alone on the second. Once that node is
 * gone, doctor names the stage with no live instance, and after a chat run that needed it,
 * breakers shows the report breaker open and the run came back degraded.
 */
class StageNodeLossTest {
  static final String OPERATOR = "watcher-" + UUID.randomUUID() + "@example.com";
  static MeshUnderTest mesh;
  static NodeLauncher.RunningNode reportNode;
  static String operator;
  static String user;

  @BeforeAll
  static void start() throws IOException {
    String cluster = "apex-bus-" + UUID.randomUUID();
    reportNode = await(NodeLauncher.start(TestServices.config(Map.of("profile", "dev", "http.port", "0",
        "cluster.enabled", "true", "cluster.name", cluster)), List.of(Role.REPORT), 1));
    // One failure opens the report breaker, and it stays open for the test's length, so what the
    // operator sees after the run does not depend on when they look.
    mesh = new MeshUnderTest(Map.of("cluster.enabled", "true", "cluster.name", cluster, "auth.operators", OPERATOR,
        "breakers.report.max_failures", "1", "breakers.report.reset_timeout_ms", "3600000"),
        Role.all().stream().filter(role -> role != Role.REPORT).toList());
    operator = mesh.signup(OPERATOR, "watch-the-bus-2026");
    user = mesh.login("demo@apex.dev", "apex-demo-2026");
  }

  @AfterAll
  static void stop() {
    if (mesh != null) {
      mesh.close();
    }
    if (reportNode != null) {
      await(reportNode.close());
    }
  }

  @Test
  void losingTheReportNodeShowsInDoctorAndBreakers() {
    JsonObject answered = mesh.runAnalysis(user);
    assertFalse(answered.getBoolean("degraded"), answered.getJsonArray("degraded_reasons").encode());
    assertEquals(2, new JsonArray(mesh.withToken(operator, "nodes", "--json").out()).size());
    MeshUnderTest.Result healthy = mesh.withToken(operator, "doctor");
    assertEquals(0, healthy.exit(), healthy.out());
    assertEquals("CLOSED", reportBreaker().orElseThrow().getString("state"));

    await(reportNode.close());
    reportNode = null;

    MeshUnderTest.Result sick = mesh.withToken(operator, "doctor");
    assertEquals(1, sick.exit(), sick.out());
    assertTrue(sick.out().contains("no live instance of report: the supervisor falls back or fails for it"), sick.out());
    assertEquals(1, new JsonArray(mesh.withToken(operator, "nodes", "--json").out()).size());

    JsonObject degraded = mesh.runAnalysis(user);
    assertTrue(degraded.getBoolean("degraded"));
    JsonObject reason = degraded.getJsonArray("degraded_reasons").getJsonObject(0);
    assertEquals("report", reason.getString("agent"));
    assertEquals("template-report", reason.getString("fallback"));

    JsonObject breaker = reportBreaker().orElseThrow();
    assertEquals("OPEN", breaker.getString("state"), breaker.encode());
    MeshUnderTest.Result table = mesh.withToken(operator, "breakers");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().lines().anyMatch(l -> l.startsWith("report") && l.contains("OPEN")), table.out());
    MeshUnderTest.Result open = mesh.withToken(operator, "doctor");
    assertEquals(1, open.exit(), open.out());
    assertTrue(open.out().contains("breaker(s) not closed: report OPEN"), open.out());
  }

  private static Optional<JsonObject> reportBreaker() {
    MeshUnderTest.Result breakers = mesh.withToken(operator, "breakers", "--json");
    assertEquals(0, breakers.exit(), breakers.err());
    return new JsonArray(breakers.out().strip()).stream().map(JsonObject.class::cast)
        .filter(b -> "report".equals(b.getString("name"))).findFirst();
  }
}
