package apex.runtime.node;

import apex.contracts.Addresses;
import apex.runtime.ApexVerticle;
import apex.runtime.config.ApexConfig;
import apex.runtime.discovery.ServiceAnnouncer;
import apex.runtime.security.JwtKeys;
import apex.runtime.tap.BusTap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What every node does once, beside its verticles: answers {@code apex.node.info.<cluster node id>}
 * (what it runs, how many instances, since when, whether each service is ready) and carries the tap.
 */
public final class NodeAgent {
  private static final String SERVICES = "apex.node.services";
  private static final long HEALTH_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final ApexConfig config;
  private final String fingerprint;
  private final Instant startedAt = Instant.now();

  private NodeAgent(Vertx vertx, ApexConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.fingerprint = JwtKeys.fingerprint(config);
  }

  /** Installs the node's info address and its tap. Call once per Vert.x instance, off the event loop. */
  public static Future<Void> install(Vertx vertx, ApexConfig config) {
    NodeAgent agent = new NodeAgent(vertx, config);
    BusTap.install(vertx, config.nodeId());
    return vertx.eventBus().<JsonObject>consumer(Addresses.NODE_INFO_PREFIX + clusterNodeId(vertx),
        message -> agent.info().onSuccess(message::reply)).completion();
  }

  /** The cluster manager's id of this node (what breaker notifications name), or {@code local}. */
  public static String clusterNodeId(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId() : "local";
  }

  /** Counts a started instance of {@code service} on this node. */
  public static void started(Vertx vertx, String service) {
    services(vertx).merge(service, 1, Integer::sum);
  }

  /** Whether an instance of {@code service} runs (started, not stopping) on this node. */
  public static boolean runs(Vertx vertx, String service) {
    return services(vertx).containsKey(service);
  }

  public static void stopped(Vertx vertx, String service) {
    services(vertx).computeIfPresent(service, (name, count) -> count <= 1 ? null : count - 1);
  }

  private static LocalMap<String, Integer> services(Vertx vertx) {
    return vertx.sharedData().getLocalMap(SERVICES);
  }

  private Future<JsonObject> info() {
    JsonObject verticles = new JsonObject();
    services(vertx).forEach(verticles::put);
    List<String> names = new ArrayList<>(verticles.fieldNames());
    List<Future<String>> checks = names.stream().map(this::health).toList();
    return Future.join(checks).transform(v -> {
      JsonObject health = new JsonObject();
      for (int i = 0; i < names.size(); i++) {
        health.put(names.get(i), checks.get(i).result());
      }
      boolean ready = !names.isEmpty() && health.stream().allMatch(e -> "UP".equals(e.getValue()));
      return Future.succeededFuture(new JsonObject()
          .put("node_id", config.nodeId())
          .put("cluster_node_id", clusterNodeId(vertx))
          .put("profile", config.profile())
          .put("started_at", startedAt.toString())
          .put("uptime_ms", Instant.now().toEpochMilli() - startedAt.toEpochMilli())
          .put("jwt_key_fingerprint", fingerprint)
          .put("version", ServiceAnnouncer.VERSION)
          .put("contract_version", ServiceAnnouncer.CONTRACT_VERSION)
          .put("verticles", verticles)
          .put("health", health)
          .put("ready", ready));
    });
  }

  /** UP or DOWN from this node's own instance of the service's probe. */
  private Future<String> health(String service) {
    return vertx.eventBus().<JsonObject>request(ApexVerticle.HEALTH_PREFIX + service, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(HEALTH_TIMEOUT_MS))
        .map(reply -> reply.body().getString("status", "DOWN"))
        .otherwise("DOWN");
  }
}
