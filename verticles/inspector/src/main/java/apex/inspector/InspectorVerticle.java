package apex.inspector;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.runtime.ApexVerticle;
import apex.runtime.discovery.ServiceAnnouncer;
import apex.runtime.security.JwtKeys;
import apex.runtime.tap.TapSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The operators' window on the mesh and its polyglot edge: a TCP event-bus bridge (4-byte length +
 * JSON frames) on {@code inspector.host:port}, every frame checked by {@link BridgeGate}; and the
 * read addresses behind {@code apex-bus}: services, nodes, breakers, doctor, and the tap switch.
 */
public class InspectorVerticle extends ApexVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(InspectorVerticle.class);
  /** The services the mesh cannot answer without; doctor reports any that has no live instance. */
  private static final List<String> CORE_SERVICES = List.of("auth", "supervisor");

  private final BreakerBoard breakers = new BreakerBoard();
  private MeshView mesh;
  private ServiceAnnouncer bridgeAnnouncer;
  private TcpEventBusBridge bridge;

  public InspectorVerticle() {
    super("inspector", Addresses.INSPECTOR_SERVICES);
  }

  @Override
  protected Future<?> startService() {
    mesh = new MeshView(vertx);
    vertx.eventBus().<JsonObject>consumer(Addresses.BREAKER_NOTIFICATIONS, m -> breakers.update(m.body()));
    BridgePermissions permissions = new BridgePermissions(settings.section("inspector").getJsonArray("inbound"),
        settings.section("inspector").getJsonArray("outbound"));
    String host = settings.string("inspector.host");
    int port = settings.integer("inspector.port");
    return vertx.executeBlocking(() -> JwtKeys.fingerprint(settings))
        .compose(fingerprint -> {
          bridgeAnnouncer = new ServiceAnnouncer(vertx, settings.nodeId(), fingerprint);
          BridgeGate gate = new BridgeGate(permissions, calls, bridgeAnnouncer);
          bridge = TcpEventBusBridge.create(vertx, permissions.bridgeOptions(),
              new NetServerOptions().setHost(host).setPort(port), gate::handle);
          return bridge.listen();
        })
        .onSuccess(b -> LOG.info("inspector bridge listening on {}:{}", host, port))
        .recover(e -> Future.failedFuture("inspector: the bridge cannot listen on " + host + ":" + port + " ("
            + e.getMessage() + "); set inspector.port (APEX_INSPECTOR_PORT) to a free port"))
        .compose(v -> Future.all(List.of(
            serve(Addresses.INSPECTOR_SERVICES, body -> services()),
            serve(Addresses.INSPECTOR_NODES, body -> mesh.nodes().map(nodes -> new JsonObject()
                .put("nodes", new JsonArray(new ArrayList<>(nodes))))),
            serve(Addresses.INSPECTOR_BREAKERS, body -> Future.succeededFuture(new JsonObject()
                .put("breakers", breakers.list()))),
            serve(Addresses.INSPECTOR_DOCTOR, body -> doctor()),
            serve(Addresses.INSPECTOR_TAP, this::tap))));
  }

  @Override
  protected Future<?> stopService() {
    Future<Void> closed = bridge == null ? Future.succeededFuture() : bridge.close();
    return closed.transform(v -> bridgeAnnouncer == null ? Future.succeededFuture() : bridgeAnnouncer.withdrawAll())
        .onComplete(v -> mesh.close());
  }

  private Future<JsonObject> services() {
    return Future.all(mesh.nodes(), mesh.records()).map(all -> new JsonObject().put("services",
        MeshView.services(all.resultAt(1), MeshView.liveNodeIds(all.resultAt(0)))));
  }

  private Future<JsonObject> doctor() {
    List<String> expected = new ArrayList<>(CORE_SERVICES);
    Agent.STAGES.forEach(stage -> expected.add(stage.wire()));
    if (settings.flag("stages.anomaly.enabled")) {
      expected.add("anomaly");
    }
    return Future.all(mesh.nodes(), mesh.records()).map(all -> {
      List<JsonObject> nodes = all.resultAt(0);
      JsonArray services = MeshView.services(all.resultAt(1), MeshView.liveNodeIds(nodes));
      return MeshView.doctor(nodes, services, breakers.list(), expected);
    });
  }

  /**
   * Switches a tap session on every node (or off, with {@code off: true}): validated here, so a bad
   * pattern is answered {@code bad_request} naming it, then published on {@code apex.tap.control}.
   */
  private Future<JsonObject> tap(JsonObject body) {
    JsonObject control = body.copy();
    if (control.getString("session") == null) {
      control.put("session", UUID.randomUUID().toString());
    }
    if (Boolean.TRUE.equals(control.getBoolean("off"))) {
      vertx.eventBus().publish(Addresses.TAP_CONTROL, new JsonObject().put("session", control.getString("session"))
          .put("off", true));
      return Future.succeededFuture(new JsonObject().put("session", control.getString("session")).put("off", true));
    }
    TapSession session;
    try {
      session = TapSession.parse(control);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(e.getMessage()));
    }
    vertx.eventBus().publish(Addresses.TAP_CONTROL, session.toJson());
    return Future.succeededFuture(session.toJson().put("events_address", Addresses.TAP_EVENTS));
  }
}
