package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.ContractJson;
import apex.contracts.auth.Revocation;
import apex.runtime.limits.LocalBucket;
import apex.contracts.ErrorCode;
import apex.runtime.ApexVerticle;
import apex.runtime.events.EventLog;
import apex.runtime.metrics.ApexMetrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only edge: serves the chat page, the REST API, health, and {@code /ws}. It holds one run-event
 * consumer and one upload-progress consumer for all its sockets and a local map user → sockets; no
 * consumer per socket.
 */
public class WsBridgeVerticle extends ApexVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(WsBridgeVerticle.class);
  /** Headroom above the protocol's frame limit, so an oversize frame is answered instead of dropped. */
  private static final int TRANSPORT_LIMIT = 64 * 1024;

  private final Map<String, Set<ClientSocket>> socketsByUser = new HashMap<>();
  private HttpServer server;
  private Authenticator authenticator;
  private EventLog eventLog;

  public WsBridgeVerticle() {
    super("ws-bridge", null);
  }

  @Override
  protected String serviceAddress() {
    return "http://" + settings.string("http.host") + ":" + server.actualPort();
  }

  /** The port actually bound (differs from config when it asked for 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  protected Future<?> startService() {
    authenticator = new Authenticator(calls);
    eventLog = new EventLog(redis());
    Router router = Router.router(vertx);
    new RestApi(vertx, calls, authenticator, new Throttle(redis(), settings))
        .mount(router, settings.number("usage.max_upload_bytes"));
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_REVOKED, message -> {
      Revocation revocation = ContractJson.fromJson(message.body(), Revocation.class);
      socketsByUser.getOrDefault(revocation.userId(), Set.of()).stream()
          .filter(socket -> revocation.sid().equals(socket.sessionId()))
          .toList()
          .forEach(ClientSocket::revoked);
    });
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(StaticHandler.create("webroot"));

    long pingMs = settings.number("ws.ping_interval_seconds") * 1000;
    vertx.setPeriodic(pingMs, t -> socketsByUser.values().forEach(set -> set.forEach(ClientSocket::ping)));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.string("http.host"))
        .setPort(settings.integer("http.port"))
        .setMaxWebSocketFrameSize(TRANSPORT_LIMIT)
        .setMaxWebSocketMessageSize(TRANSPORT_LIMIT)
        // "*" lets the handshake echo the client's first subprotocol (bearer.<jwt>); auth decides.
        .setWebSocketSubProtocols(List.of("*"));
    return Future.all(
            vertx.eventBus().<JsonObject>consumer(Addresses.RUN_EVENTS, message -> socketsOf(message.headers())
                .forEach(socket -> socket.onEvent(message.body()))).completion(),
            vertx.eventBus().<JsonObject>consumer(Addresses.UPLOAD_PROGRESS, message -> socketsOf(message.headers())
                .forEach(socket -> socket.onUploadProgress(message.body()))).completion())
        .compose(v -> vertx.createHttpServer(options)
            .requestHandler(router)
            .webSocketHandshakeHandler(this::handshake)
            .webSocketHandler(ws -> { })
            .listen())
        .onSuccess(s -> {
          server = s;
          LOG.info("ws-bridge listening on http://{}:{}", settings.string("http.host"), s.actualPort());
        });
  }

  /** The sockets of the user a published message is for (its user-id header); none for anyone else. */
  private Set<ClientSocket> socketsOf(MultiMap headers) {
    return socketsByUser.getOrDefault(headers.get(BusHeaders.USER_ID), Set.of());
  }

  @Override
  protected Future<?> stopService() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Accepts a handshake whose authentication has finished. A client that hung up meanwhile makes
   * Vert.x throw while it answers the dead connection ("Response head already sent"); there is
   * nobody left to tell, so that is a failed accept, not an unhandled exception.
   */
  private static Future<ServerWebSocket> accept(ServerWebSocketHandshake handshake) {
    try {
      return handshake.accept();
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    if (!"/ws".equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    authenticator.handshake(handshake).onComplete(auth -> accept(handshake).onSuccess(ws -> {
      if (auth.failed()) {
        String reason = ErrorCode.of(auth.cause()).wire() + ": " + auth.cause().getMessage();
        // Close reasons are limited to 123 bytes by the WebSocket protocol.
        ws.close((short) 1008, reason.length() > 120 ? reason.substring(0, 120) : reason);
        return;
      }
      ClientSocket socket = new ClientSocket(vertx, ws, auth.result(), calls, eventLog,
          settings.integer("ws.max_frame_bytes"),
          new LocalBucket(settings.integer("limits.frames_burst"), settings.integer("limits.frames_per_second")));
      socketsByUser.computeIfAbsent(socket.userId(), u -> new HashSet<>()).add(socket);
      ApexMetrics.of(vertx).socketOpened();
      socket.open(() -> {
        ApexMetrics.of(vertx).socketClosed();
        Set<ClientSocket> sockets = socketsByUser.get(socket.userId());
        if (sockets != null && sockets.remove(socket) && sockets.isEmpty()) {
          socketsByUser.remove(socket.userId());
        }
      });
    }));
  }
}
