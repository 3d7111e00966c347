package apex.node;

import apex.runtime.TestServices;
import apex.runtime.config.ApexConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three clustered nodes (Hazelcast on loopback) so every stage hop crosses the cluster:
 * edge + auth + supervisor | triage + data | optimizer + report.
 */
class ClusteredEndToEndTest {
  static NodeLauncher.RunningNode edge;
  static NodeLauncher.RunningNode analysis;
  static NodeLauncher.RunningNode pricing;
  static ApexClient client;

  @BeforeAll
  static void start() {
    String cluster = "apex-e2e-" + UUID.randomUUID();
    edge = await(NodeLauncher.start(clustered(cluster), List.of(Role.AUTH, Role.SUPERVISOR, Role.WS_BRIDGE), 1));
    analysis = await(NodeLauncher.start(clustered(cluster), List.of(Role.TRIAGE, Role.DATA), 1));
    pricing = await(NodeLauncher.start(clustered(cluster), List.of(Role.OPTIMIZER, Role.REPORT), 1));
    client = new ApexClient(edge.httpPort());
  }

  private static ApexConfig clustered(String name) {
    return TestServices.config(Map.of("profile", "dev", "http.port", "0", "cluster.enabled", "true",
        "cluster.name", name));
  }

  @AfterAll
  static void stop() {
    client.close();
    for (NodeLauncher.RunningNode node : new NodeLauncher.RunningNode[] {pricing, analysis, edge}) {
      if (node != null) {
        await(node.close());
      }
    }
  }

  @Test
  void goldenPathAcrossThreeNodes() {
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(client.login("demo@apex.dev", "apex-demo-2026")));
    assertEquals("connection_ready", socket.next().getString("type"));
    JsonObject accepted = GoldenPath.ask(socket, "cluster-" + UUID.randomUUID());
    assertEquals(36, accepted.getString("run_id").length());
    assertEquals(3, edge.vertx().isClustered() ? clusterSize() : 0, "three members");
  }

  @Test
  void readyReportsTheClusterAndAnInstanceOfEachServiceOnItsNode() {
    JsonObject ready = client.get("/ready").bodyAsJsonObject();
    assertEquals("UP", ready.getString("status"), ready.encode());
    JsonObject cluster = ready.getJsonObject("cluster");
    assertEquals(true, cluster.getBoolean("clustered"));
    assertEquals(3, cluster.getInteger("members"), cluster.encode());
    JsonObject services = ready.getJsonObject("services");
    assertEquals(analysis.config().nodeId(), services.getJsonObject("data").getString("node_id"), "data answered from its node");
    assertEquals(pricing.config().nodeId(), services.getJsonObject("optimizer").getString("node_id"));
  }

  private static int clusterSize() {
    return ((io.vertx.core.internal.VertxInternal) edge.vertx()).clusterManager().getNodes().size();
  }
}
