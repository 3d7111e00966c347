package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.auth.Credentials;
import apex.contracts.auth.Logout;
import apex.contracts.auth.TicketRequest;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.run.OwnedQuery;
import apex.runtime.ApexVerticle;
import apex.runtime.bus.BusCalls;
import apex.runtime.metrics.ApexMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusRequestHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The REST edge. Each route verifies the bearer token with auth where it needs a user, asks the
 * owning verticle over the bus, and answers its JSON, or {@code {"error": {"code", "message"}}} with
 * the status of the error code (429 adds {@code Retry-After} and {@code retry_after_ms}).
 */
final class RestApi {
  static final long BODY_LIMIT = 64 * 1024;
  /**
   * The breaker for auth calls that must not be sent twice: a retried refresh would present a
   * used token and end the session, a retried signup would answer "already exists".
   */
  static final String ONCE = "auth-once";
  /**
   * The breaker for ticket issuance: tickets live in Redis, and a Redis outage must not open the
   * {@code auth} circuit that token verification (bearer sockets, every REST call) goes through.
   */
  static final String TICKETS = "auth-tickets";
  /** A route's answer may name its own status under this key (removed before sending). */
  static final String STATUS_OVERRIDE = "__status";
  /** Where an upload's pre-checked caller is kept for the route (verified once, before the body). */
  static final String VERIFIED_USER = "apex.verified-user";
  /** Every service the golden path needs; /ready is true when each answers its health probe UP. */
  static final List<String> SERVICES = List.of("auth", "supervisor", "triage", "data", "optimizer", "report");

  private final Vertx vertx;
  private final BusCalls calls;
  private final Authenticator authenticator;
  private final Throttle throttle;

  RestApi(Vertx vertx, BusCalls calls, Authenticator authenticator, Throttle throttle) {
    this.vertx = vertx;
    this.calls = calls;
    this.authenticator = authenticator;
    this.throttle = throttle;
  }

  void mount(Router router, long uploadLimit) {
    // Uploads get their own, larger limit, read only once the caller is known; every other API body is small.
    router.post("/api/usage").handler(ctx -> {
      ctx.request().pause(); // the body waits until the caller is known; the body handler resumes it
      authenticator.bearer(ctx.request().headers())
          .onSuccess(user -> {
            ctx.put(VERIFIED_USER, user);
            ctx.next();
          })
          .onFailure(e -> {
            ctx.response().putHeader("Connection", "close");
            fail(ctx, ErrorCode.of(e), e.getMessage());
          });
    });
    BodyHandler small = BodyHandler.create().setBodyLimit(BODY_LIMIT);
    router.route("/api/*").handler(ctx -> {
      if (ctx.get(VERIFIED_USER) != null) { // an upload: streamed to data by UsageRoutes, never buffered here
        ctx.next();
      } else {
        small.handle(ctx);
      }
    });
    router.route("/api/*").failureHandler(ctx -> failure(ctx, BODY_LIMIT));
    router.post("/api/auth/signup").handler(ctx -> withCredentials(ctx, body ->
        throttle.signup(clientIp(ctx)).compose(v -> ask(ONCE, Addresses.AUTH_SIGNUP, body)), 201));
    router.post("/api/auth/login").handler(ctx -> withCredentials(ctx, body -> {
      Credentials credentials = ContractJson.fromJson(body, Credentials.class);
      String account = credentials.email() == null ? "" : credentials.email().trim().toLowerCase(java.util.Locale.ROOT);
      return throttle.login(account, clientIp(ctx)).compose(v -> ask("auth", Addresses.AUTH_LOGIN, body));
    }, 200));
    router.post("/api/auth/refresh").handler(ctx -> withBody(ctx, body ->
        ask(ONCE, Addresses.AUTH_REFRESH, new JsonObject().put("refresh_token", body.getValue("refresh_token"))), 200));
    router.post("/api/auth/logout").handler(ctx -> authenticated(ctx, (user, c) ->
        ask(ONCE, Addresses.AUTH_LOGOUT, new Logout(user).toJson()), 204));
    router.get("/api/auth/me").handler(ctx -> authenticated(ctx, (user, c) -> Future.succeededFuture(user.toJson()), 200));
    router.post("/api/ws-ticket").handler(ctx -> authenticated(ctx, (user, c) -> throttle.ticket(user.userId())
        .compose(v -> ask(TICKETS, Addresses.AUTH_TICKET_ISSUE, new TicketRequest(user).toJson())), 200));
    router.get("/api/threads").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_THREADS, new JsonObject().put("user_id", user.userId())), 200));
    router.get("/api/threads/:id").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_THREAD, new OwnedQuery(user.userId(), c.pathParam("id")).toJson()), 200));
    router.get("/api/runs/:id").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_RUN, new OwnedQuery(user.userId(), c.pathParam("id")).toJson()), 200));
    router.get("/api/runs/:id/report").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_RUN, new OwnedQuery(user.userId(), c.pathParam("id")).toJson())
            .compose(RunReport::of), 200));
    new UsageRoutes(vertx, calls, uploadLimit).mount(router, (ctx, action) -> authenticated(ctx, action, 200));
    router.route("/api/*").handler(ctx -> fail(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().method()
        + " " + ctx.request().path()));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> {
      if (ApexMetrics.of(vertx).registry() instanceof PrometheusMeterRegistry prometheus) {
        PrometheusRequestHandler.create(prometheus).handle(ctx.request());
      } else {
        fail(ctx, ErrorCode.NOT_FOUND, "metrics are off on this node (metrics.enabled=false)");
      }
    });
  }

  /** The peer address; a forwarding proxy's headers are not trusted (they are client-controlled). */
  private static String clientIp(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
  }

  private void withBody(RoutingContext ctx, java.util.function.Function<JsonObject, Future<JsonObject>> action, int status) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      fail(ctx, ErrorCode.BAD_REQUEST, "body must be a JSON object");
      return;
    }
    JsonObject parsed = body;
    respond(ctx, Future.<JsonObject>succeededFuture().compose(v -> action.apply(parsed)), status);
  }

  /** A body that must be credentials: checked against the schema before anything is asked. */
  private void withCredentials(RoutingContext ctx, java.util.function.Function<JsonObject, Future<JsonObject>> action,
                               int status) {
    withBody(ctx, body -> {
      List<String> problems = Schemas.get().problems(Schemas.CREDENTIALS, body);
      return problems.isEmpty() ? action.apply(body)
          : Future.failedFuture(ErrorCode.BAD_REQUEST.failure(String.join("; ", problems)));
    }, status);
  }

  void authenticated(RoutingContext ctx, BiFunction<VerifiedUser, RoutingContext, Future<JsonObject>> action,
                             int status) {
    respond(ctx, authenticator.bearer(ctx.request().headers()).compose(user -> action.apply(user, ctx)), status);
  }

  private Future<JsonObject> ask(String dependency, String address, JsonObject body) {
    return calls.request(dependency, address, body, new DeliveryOptions());
  }

  static void respond(RoutingContext ctx, Future<JsonObject> answer, int status) {
    answer.onSuccess(json -> {
      if (json.containsKey(STATUS_OVERRIDE)) {
        int override = (Integer) json.remove(STATUS_OVERRIDE);
        if (override == 204) {
          ctx.response().setStatusCode(204).end();
        } else {
          ctx.response().setStatusCode(override).putHeader("Content-Type", "application/json").end(json.encode());
        }
      } else if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json.encode());
      }
    }).onFailure(e -> {
      if (e instanceof Throttle.Exceeded exceeded) {
        rateLimited(ctx, exceeded);
      } else if (e instanceof apex.contracts.ContractException) {
        fail(ctx, ErrorCode.BAD_REQUEST, e.getMessage());
      } else {
        fail(ctx, ErrorCode.of(e), e.getMessage());
      }
    });
  }

  private static void rateLimited(RoutingContext ctx, Throttle.Exceeded exceeded) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(429).putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", String.valueOf((exceeded.retryAfterMs + 999) / 1000))
        .end(new JsonObject().put("error", new JsonObject().put("code", ErrorCode.RATE_LIMITED.wire())
            .put("message", exceeded.getMessage()).put("retry_after_ms", exceeded.retryAfterMs)).encode());
  }

  /** Failures raised by handlers (an oversized body is 413 from the body handler). */
  private static void failure(RoutingContext ctx, long limit) {
    if (ctx.statusCode() == 413) {
      // The rest of the body is not read: close the connection so the client is not left sending.
      ctx.response().putHeader("Connection", "close");
      fail(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "body is larger than " + limit + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      fail(ctx, ErrorCode.BAD_REQUEST, "bad request (" + ctx.statusCode() + ")");
    } else {
      fail(ctx, ErrorCode.INTERNAL, ctx.failure() == null ? "internal error" : ctx.failure().getMessage());
    }
  }

  /** A local node is always "in" its cluster; a clustered one only while Hazelcast is active and lists members. */
  private JsonObject cluster() {
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    if (manager == null) {
      return new JsonObject().put("status", "UP").put("clustered", false);
    }
    int members = manager.isActive() ? manager.getNodes().size() : 0;
    return new JsonObject().put("status", members > 0 ? "UP" : "DOWN").put("clustered", true)
        .put("node_id", manager.getNodeId()).put("members", members);
  }

  static void fail(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message)).encode());
  }

  /**
   * Ready when every service answers its health probe UP (each has a live instance somewhere in the
   * cluster, and its PostgreSQL and Redis answer) and, on a clustered node, the cluster manager is
   * active with this node a member.
   */
  private void ready(RoutingContext ctx) {
    List<Future<JsonObject>> probes = SERVICES.stream()
        .map(service -> vertx.eventBus().<JsonObject>request(ApexVerticle.HEALTH_PREFIX + service, new JsonObject(),
                new DeliveryOptions().setSendTimeout(1500))
            .map(reply -> reply.body())
            .otherwise(e -> new JsonObject().put("service", service).put("status", "DOWN")
                .put("error", ErrorCode.of(e).wire() + ": " + e.getMessage())))
        .toList();
    Future.join(probes).onComplete(done -> {
      JsonObject services = new JsonObject();
      probes.forEach(p -> services.put(p.result().getString("service"), p.result()));
      JsonObject cluster = cluster();
      boolean up = probes.stream().allMatch(p -> "UP".equals(p.result().getString("status")))
          && "UP".equals(cluster.getString("status"));
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("services", services).put("cluster", cluster)
              .encode());
    });
  }
}
