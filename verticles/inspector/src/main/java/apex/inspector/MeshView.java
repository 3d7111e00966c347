package apex.inspector;

import apex.contracts.Addresses;
import apex.runtime.node.NodeAgent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The mesh as the cluster and discovery see it: members and what each runs (each member's
 * {@code apex.node.info.*}), discovery records grouped per service and node, and whether a record's
 * node is still alive.
 */
final class MeshView {
  private static final long NODE_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final ServiceDiscovery discovery;

  MeshView(Vertx vertx) {
    this.vertx = vertx;
    this.discovery = ServiceDiscovery.create(vertx);
  }

  void close() {
    discovery.close();
  }

  /** Every cluster member with its info, or {@code answered: false} when it did not answer (not an Apex node, or dying). */
  Future<List<JsonObject>> nodes() {
    List<String> members = vertx.isClustered()
        ? ((VertxInternal) vertx).clusterManager().getNodes() : List.of(NodeAgent.clusterNodeId(vertx));
    List<Future<JsonObject>> answers = members.stream().map(member -> vertx.eventBus()
            .<JsonObject>request(Addresses.NODE_INFO_PREFIX + member, new JsonObject(),
                new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MS))
            .map(reply -> reply.body().put("answered", true))
            .otherwise(e -> new JsonObject().put("cluster_node_id", member).put("answered", false)
                .put("problem", String.valueOf(e.getMessage()))))
        .toList();
    return Future.join(answers).map(v -> answers.stream().map(Future::result)
        .sorted(Comparator.comparing((JsonObject n) -> n.getString("node_id", "~")))
        .toList());
  }

  Future<List<Record>> records() {
    return discovery.getRecords(r -> true, true);
  }

  /** Records grouped by (name, address, version, node): one row per service per node with its instance count. */
  static JsonArray services(List<Record> records, Set<String> liveNodeIds) {
    Map<String, JsonObject> rows = new TreeMap<>();
    for (Record r : records) {
      JsonObject meta = r.getMetadata() == null ? new JsonObject() : r.getMetadata();
      String address = r.getLocation() == null ? null : r.getLocation().getString("endpoint");
      String node = meta.getString("node_id");
      String key = r.getName() + "|" + address + "|" + meta.getString("version") + "|" + node;
      JsonObject row = rows.computeIfAbsent(key, k -> new JsonObject()
          .put("name", r.getName())
          .put("address", address)
          .put("version", meta.getString("version"))
          .put("contract_version", meta.getString("contract_version"))
          .put("node_id", node)
          .put("jwt_key_fingerprint", meta.getString("jwt_key_fingerprint"))
          .put("external", meta.getBoolean("external", false))
          .put("live", liveNodeIds.contains(node))
          .put("status", String.valueOf(r.getStatus()))
          .put("instances", 0));
      row.put("instances", row.getInteger("instances") + 1);
    }
    return new JsonArray(new ArrayList<>(rows.values()));
  }

  static Set<String> liveNodeIds(List<JsonObject> nodes) {
    return nodes.stream().filter(n -> n.getBoolean("answered", false)).map(n -> n.getString("node_id"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * What an operator should look at, each problem one sentence: JWT-key drift between nodes, an
   * expected service with no live instance, records left by nodes that are gone, contract-version
   * skew, breakers not closed, nodes not ready.
   */
  static JsonObject doctor(List<JsonObject> nodes, JsonArray services, JsonArray breakers, List<String> expected) {
    List<JsonObject> checks = new ArrayList<>();
    List<JsonObject> live = nodes.stream().filter(n -> n.getBoolean("answered", false)).toList();

    Map<String, List<String>> byKey = new LinkedHashMap<>();
    live.forEach(n -> byKey.computeIfAbsent(n.getString("jwt_key_fingerprint"), k -> new ArrayList<>()).add(n.getString("node_id")));
    checks.add(check("jwt_key", byKey.size() <= 1, byKey.size() <= 1
        ? "every node verifies tokens with the same key " + byKey.keySet()
        : "nodes use different JWT keys, so a token from one is refused by another: " + byKey));

    List<JsonObject> rows = services.stream().map(JsonObject.class::cast).toList();
    List<String> missing = expected.stream().filter(name -> rows.stream()
        .noneMatch(r -> name.equals(r.getString("name")) && r.getBoolean("live"))).toList();
    checks.add(check("services", missing.isEmpty(), missing.isEmpty()
        ? "every expected service has a live instance " + expected
        : "no live instance of " + String.join(", ", missing) + ": the supervisor falls back or fails for it"));

    List<String> stale = rows.stream().filter(r -> !r.getBoolean("live"))
        .map(r -> r.getString("name") + " on node " + r.getString("node_id")).toList();
    checks.add(check("stale_records", stale.isEmpty(), stale.isEmpty()
        ? "every discovery record belongs to a live node"
        : stale.size() + " discovery record(s) of nodes that are gone: " + String.join(", ", stale)));

    Set<String> contracts = rows.stream().filter(r -> r.getBoolean("live")).map(r -> r.getString("contract_version"))
        .collect(Collectors.toCollection(TreeSet::new));
    checks.add(check("contract_version", contracts.size() <= 1, contracts.size() <= 1
        ? "every live service speaks contract version " + contracts
        : "live services speak different contract versions " + contracts + ": " + rows.stream()
            .filter(r -> r.getBoolean("live")).map(r -> r.getString("name") + "=" + r.getString("contract_version"))
            .distinct().toList()));

    List<String> open = breakers.stream().map(JsonObject.class::cast)
        .filter(b -> !b.getBoolean("stale") && !"CLOSED".equals(b.getString("state")))
        .map(b -> b.getString("name") + " " + b.getString("state") + " (" + b.getValue("failures") + " failures)").toList();
    checks.add(check("breakers", open.isEmpty(), open.isEmpty() ? "no breaker is open"
        : "breaker(s) not closed: " + String.join(", ", open)));

    List<String> unready = live.stream().filter(n -> !n.getBoolean("ready", false))
        .map(n -> n.getString("node_id") + " " + n.getJsonObject("health", new JsonObject()).encode()).toList();
    List<String> silent = nodes.stream().filter(n -> !n.getBoolean("answered", false))
        .map(n -> n.getString("cluster_node_id")).toList();
    boolean nodesOk = unready.isEmpty() && silent.isEmpty();
    checks.add(check("nodes", nodesOk, nodesOk ? live.size() + " node(s), all ready"
        : (unready.isEmpty() ? "" : "not ready: " + String.join("; ", unready) + (silent.isEmpty() ? "" : "; "))
            + (silent.isEmpty() ? "" : "cluster member(s) not answering: " + String.join(", ", silent))));

    boolean healthy = checks.stream().allMatch(c -> c.getBoolean("ok"));
    return new JsonObject().put("healthy", healthy).put("checks", new JsonArray(new ArrayList<>(checks)));
  }

  private static JsonObject check(String name, boolean ok, String detail) {
    return new JsonObject().put("check", name).put("ok", ok).put("detail", detail);
  }
}
