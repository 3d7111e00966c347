package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.auth.TicketRequest;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.run.OwnedQuery;
import apex.runtime.ApexVerticle;
import apex.runtime.bus.BusCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * the status of the error code.
 */
final class RestApi {
  private static final long BODY_LIMIT = 64 * 1024;
  /** Every service the golden path needs; /ready is true when each answers its health probe UP. */
  static final List<String> SERVICES = List.of("auth", "supervisor", "triage", "data", "optimizer", "report");

  private final Vertx vertx;
  private final BusCalls calls;
  private final Authenticator authenticator;

  RestApi(Vertx vertx, BusCalls calls, Authenticator authenticator) {
    this.vertx = vertx;
    this.calls = calls;
    this.authenticator = authenticator;
  }

  void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/api/auth/signup").handler(ctx -> forward(ctx, Addresses.AUTH_SIGNUP, 201));
    router.post("/api/auth/login").handler(ctx -> forward(ctx, Addresses.AUTH_LOGIN, 200));
    router.get("/api/auth/me").handler(ctx -> authenticated(ctx, (user, c) -> Future.succeededFuture(user.toJson())));
    router.post("/api/ws-ticket").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("auth", Addresses.AUTH_TICKET_ISSUE, new TicketRequest(user.userId(), user.email(), user.expiresAt()).toJson())));
    router.get("/api/threads").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_THREADS, new JsonObject().put("user_id", user.userId()))));
    router.get("/api/threads/:id").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_THREAD, new OwnedQuery(user.userId(), c.pathParam("id")).toJson())));
    router.get("/api/runs/:id").handler(ctx -> authenticated(ctx, (user, c) ->
        ask("supervisor", Addresses.SUPERVISOR_RUN, new OwnedQuery(user.userId(), c.pathParam("id")).toJson())));
    router.route("/api/*").handler(ctx -> fail(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().method()
        + " " + ctx.request().path()));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
  }

  private void forward(RoutingContext ctx, String address, int status) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      fail(ctx, ErrorCode.BAD_REQUEST, "body must be a JSON object");
      return;
    }
    if (body == null) {
      fail(ctx, ErrorCode.BAD_REQUEST, "body must be a JSON object");
      return;
    }
    respond(ctx, ask("auth", address, body), status);
  }

  private void authenticated(RoutingContext ctx, BiFunction<VerifiedUser, RoutingContext, Future<JsonObject>> action) {
    respond(ctx, authenticator.bearer(ctx.request().headers()).compose(user -> action.apply(user, ctx)), 200);
  }

  private Future<JsonObject> ask(String dependency, String address, JsonObject body) {
    return calls.request(dependency, address, body, new DeliveryOptions());
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> answer, int status) {
    answer.onSuccess(json -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(json.encode()))
        .onFailure(e -> fail(ctx, ErrorCode.of(e), e.getMessage()));
  }

  static void fail(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message)).encode());
  }

  /** Ready when every service answers its health probe UP (which covers PostgreSQL, Redis and the cluster). */
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
      boolean up = probes.stream().allMatch(p -> "UP".equals(p.result().getString("status")));
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("services", services).encode());
    });
  }

}
