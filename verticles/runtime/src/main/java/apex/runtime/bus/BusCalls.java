package apex.runtime.bus;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.runtime.cluster.ClusterNodes;
import apex.runtime.config.ApexConfig;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.node.NodeAgent;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every call from one verticle to another: an event-bus request behind the circuit breaker of that
 * dependency, with its timeout and retries from {@code breakers.<dependency>} (else
 * {@code breakers.default}). A business answer ({@code RECIPIENT_FAILURE} with an Apex error code)
 * is passed through as a success inside the breaker, so it neither counts as a failure nor is
 * retried; timeouts, missing handlers and crashes count, are retried with backoff and jitter, and
 * open the circuit.
 */
public final class BusCalls {
  private static final Logger LOG = LoggerFactory.getLogger(BusCalls.class);
  /**
   * Calls to auth ({@code auth}, {@code auth-once}, {@code auth-tickets}) go to this node's own auth
   * when it runs one (an edge): checking a token or a ticket is cheap, and an edge then never waits
   * on another edge, nor on one that just died.
   */
  private static final Set<String> LOCAL_FIRST = Set.of("auth", "auth-once", "auth-tickets");
  private static final String AUTH = "auth";
  /** How long a request sent just after a departure waits before it is asked again (see untilDeparture). */
  static final long UNSETTLED_ANSWER_MS = 2_000;

  private final Vertx vertx;
  private final ApexConfig config;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public BusCalls(Vertx vertx, ApexConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * A request whose failure is final for the caller (no fallback). An open circuit answers
   * {@code unavailable}, the breaker's timeout {@code timeout}, each naming the dependency. When the
   * dependency allows retries, an attempt still unanswered when a cluster member leaves is given up
   * and sent again (it may have gone to that member, whose answer never comes).
   */
  public Future<JsonObject> request(String dependency, String address, JsonObject body, DeliveryOptions options) {
    return guarded(dependency, address, body, options, true)
        .recover(failure -> Future.failedFuture(translate(dependency, failure)));
  }

  /**
   * The request behind its breaker. With {@code askAgain} and a dependency that allows retries, an
   * attempt that may have been lost with a departing node is asked again (see {@link #untilDeparture}).
   */
  private Future<JsonObject> guarded(String dependency, String address, Object body, DeliveryOptions options,
                                     boolean askAgain) {
    boolean retries = askAgain && settings(dependency).getInteger("max_retries") > 0;
    DeliveryOptions delivery = new DeliveryOptions(options).setSendTimeout(settings(dependency).getLong("timeout_ms"));
    if (LOCAL_FIRST.contains(dependency) && NodeAgent.runs(vertx, AUTH)) {
      delivery.setLocalOnly(true);
    }
    return breaker(dependency)
        .<Object>execute(() -> ClusterNodes.registrationsSettled(vertx, address).compose(settled -> {
          Future<Object> reply = vertx.eventBus().<JsonObject>request(address, body, delivery)
              .<Object>map(message -> message.body())
              .recover(failure -> ErrorCode.isBusinessFailure(failure)
                  ? Future.succeededFuture(failure) : Future.failedFuture(failure));
          return retries ? untilDeparture(reply, dependency) : reply;
        }))
        .compose(outcome -> outcome instanceof Throwable business
            ? Future.failedFuture(business) : Future.succeededFuture((JsonObject) outcome));
  }

  /**
   * {@code reply}, or a failure once a cluster member leaves before it came (on the caller's
   * context). Sent within 5 s of a departure, it may have been routed to the departed node by a
   * cache that had not caught up: unanswered after {@value #UNSETTLED_ANSWER_MS} ms it is given up
   * too, and asked again.
   */
  private <T> Future<T> untilDeparture(Future<T> reply, String dependency) {
    Context context = vertx.getOrCreateContext();
    Promise<T> answer = Promise.promise();
    Runnable cancel = ClusterNodes.onDeparture(vertx, node -> context.runOnContext(v -> {
      if (answer.tryFail(ErrorCode.UNAVAILABLE.failure("node " + node + " left the cluster while " + dependency
          + " was asked"))) {
        LOG.info("{}: node {} left the cluster with a request in flight; asking again", dependency, node);
      }
    }));
    long unsettled = !ClusterNodes.departedRecently(vertx) ? -1 : vertx.setTimer(UNSETTLED_ANSWER_MS, t -> {
      if (answer.tryFail(ErrorCode.UNAVAILABLE.failure(dependency + " did not answer in " + UNSETTLED_ANSWER_MS
          + " ms just after a node left the cluster"))) {
        LOG.info("{}: no answer {} ms after a node left the cluster; asking again", dependency, UNSETTLED_ANSWER_MS);
      }
    });
    reply.onComplete(done -> {
      cancel.run();
      vertx.cancelTimer(unsettled);
      if (done.succeeded()) {
        answer.tryComplete(done.result());
      } else {
        answer.tryFail(done.cause());
      }
    });
    return answer.future();
  }

  private static Throwable translate(String dependency, Throwable failure) {
    if (failure instanceof OpenCircuitException) {
      return ErrorCode.UNAVAILABLE.failure(dependency + " is unavailable (circuit open); try again shortly");
    }
    if (failure instanceof TimeoutException) {
      return ErrorCode.TIMEOUT.failure(dependency + " did not answer in time");
    }
    if (failure instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      ErrorCode code = ErrorCode.of(failure);
      return code.failure(dependency + " " + (code == ErrorCode.TIMEOUT ? "did not answer in time" : "is unavailable")
          + " (" + failure.getMessage() + ")");
    }
    return failure;
  }

  /**
   * A request with a named fallback: when the dependency is down, slow or its circuit is open, the
   * fallback answers and the result says so. A business failure is not hidden behind the fallback.
   * Departures do not cut it short: its caller (the supervisor asking a stage) knows from the
   * stage's events which node works on it and asks again itself when that node leaves. The body is
   * a {@code JsonObject} or a record sent as itself ({@code ContractCodec}).
   */
  public <T> Future<Guarded<T>> request(String dependency, String address, Object body, DeliveryOptions options,
                                        Function<JsonObject, T> reader, String fallbackName,
                                        Function<Throwable, Future<T>> fallback) {
    return guarded(dependency, address, body, options, false)
        .map(reply -> Guarded.ok(reader.apply(reply)))
        .recover(failure -> {
          if (ErrorCode.isBusinessFailure(failure)) {
            return Future.failedFuture(failure);
          }
          String reason = translate(dependency, failure).getMessage();
          LOG.warn("fallback {} for {}: {}", fallbackName, dependency, reason);
          return fallback.apply(failure).map(value -> new Guarded<>(value, fallbackName, reason));
        });
  }

  public CircuitBreaker breaker(String dependency) {
    return breakers.computeIfAbsent(dependency, name -> {
      JsonObject s = settings(name);
      CircuitBreakerOptions options = new CircuitBreakerOptions()
          .setMaxFailures(s.getInteger("max_failures"))
          .setTimeout(s.getLong("timeout_ms"))
          .setResetTimeout(s.getLong("reset_timeout_ms"))
          .setMaxRetries(s.getInteger("max_retries"))
          .setNotificationAddress(Addresses.BREAKER_NOTIFICATIONS)
          .setNotificationLocalOnly(false);
      CircuitBreaker breaker = CircuitBreaker.create(name, vertx, options)
          .retryPolicy(RetryPolicy.exponentialDelayWithJitter(s.getLong("retry_initial_delay_ms"),
              s.getLong("retry_max_delay_ms")))
          .openHandler(v -> LOG.warn("breaker {} opened", name))
          .closeHandler(v -> LOG.info("breaker {} closed", name));
      ApexMetrics.of(vertx).breaker(breaker);
      return breaker;
    });
  }

  private JsonObject settings(String dependency) {
    JsonObject all = config.section("breakers");
    return all.getJsonObject("default").copy().mergeIn(all.getJsonObject(dependency, new JsonObject()));
  }
}
