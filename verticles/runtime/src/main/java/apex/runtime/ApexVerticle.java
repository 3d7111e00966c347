package apex.runtime;

import apex.contracts.ContractException;
import apex.contracts.ErrorCode;
import apex.runtime.bus.BusCalls;
import apex.runtime.config.ApexConfig;
import apex.runtime.discovery.ServiceAnnouncer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The base of every Apex verticle: reads the node's config, offers breaker-guarded calls, serves
 * bus addresses with errors mapped to contract codes, answers health probes on
 * {@code apex.health.<service>}, and announces itself in discovery after it started, withdrawing on
 * stop.
 */
public abstract class ApexVerticle extends VerticleBase {
  public static final String HEALTH_PREFIX = "apex.health.";

  private final Logger log = LoggerFactory.getLogger(getClass());

  protected ApexConfig settings;
  protected BusCalls calls;
  protected HealthChecks health;
  private ServiceAnnouncer announcer;

  /** The service name used in discovery, health and logs: {@code triage}, {@code auth} … */
  protected abstract String serviceName();

  /** The address this service is found at (its main contract). */
  protected abstract String serviceAddress();

  protected abstract Future<?> startService();

  protected Future<?> stopService() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    settings = ApexConfig.of(config());
    calls = new BusCalls(vertx, settings);
    health = HealthChecks.create(vertx);
    announcer = new ServiceAnnouncer(vertx, settings.nodeId());
    return startService()
        .compose(v -> serve(HEALTH_PREFIX + serviceName(), body -> health.checkStatus()
            .map(result -> result.toJson().put("service", serviceName()).put("node_id", settings.nodeId()))))
        .compose(v -> announcer.announce(serviceName(), serviceAddress()));
  }

  @Override
  public final Future<?> stop() {
    return announcer.withdrawAll().transform(v -> stopService());
  }

  /**
   * Serves {@code address}: the handler's success is the reply; a {@link ContractException} answers
   * {@code bad_request}, a {@link ReplyException} passes through, anything else is logged and
   * answered {@code internal}. Completes when the consumer is registered cluster-wide.
   */
  protected Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, message -> handle(message, handler));
    return consumer.completion();
  }

  private void handle(Message<JsonObject> message, Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> answer;
    try {
      answer = handler.apply(message.body());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(message::reply).onFailure(failure -> {
      ReplyException reply;
      if (failure instanceof ReplyException r) {
        reply = r;
      } else if (failure instanceof ContractException) {
        reply = ErrorCode.BAD_REQUEST.failure(failure.getMessage());
      } else {
        log.error("{} failed on {}", serviceName(), message.address(), failure);
        reply = ErrorCode.INTERNAL.failure(serviceName() + " failed: " + failure.getMessage());
      }
      message.fail(reply.failureCode(), reply.getMessage());
    });
  }

  /** Registers a health procedure (database, cache …) reported by this service's probe. */
  protected void healthCheck(String name, Function<Void, Future<?>> probe) {
    health.register(name, 2000, promise -> probe.apply(null)
        .onSuccess(v -> promise.complete(Status.OK()))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage()))))));
  }
}
