package apex.runtime;

import apex.contracts.Contract;
import apex.contracts.ContractException;
import apex.contracts.ContractJson;
import apex.contracts.BusHeaders;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.StageRequest;
import apex.runtime.bus.BusCalls;
import apex.runtime.config.ApexConfig;
import apex.runtime.discovery.ServiceAnnouncer;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.node.NodeAgent;
import apex.runtime.security.JwtKeys;
import apex.runtime.stage.StageResults;
import apex.runtime.stage.StageWork;
import apex.runtime.storage.Postgres;
import apex.runtime.storage.RedisStore;
import apex.runtime.trace.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The base of every Apex verticle: reads the node's config, offers breaker-guarded calls, serves
 * bus addresses with errors mapped to contract codes, answers health probes on
 * {@code apex.health.<service>}, gives the storage it uses (each reported by that probe and
 * closed on stop), and announces itself in discovery after it started, withdrawing on stop.
 */
public abstract class ApexVerticle extends VerticleBase {
  public static final String HEALTH_PREFIX = "apex.health.";

  private final Logger log = LoggerFactory.getLogger(getClass());

  protected ApexConfig settings;
  protected BusCalls calls;
  protected HealthChecks health;
  private ServiceAnnouncer announcer;
  private RedisAPI redis;
  private RunEventEmitter emitter;
  private final List<Supplier<Future<?>>> closers = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  private final String serviceName;
  private final String serviceAddress;

  /**
   * @param serviceName    the name used in discovery, health and logs: {@code triage}, {@code auth} …
   * @param serviceAddress the address this service is found at (its main contract)
   */
  protected ApexVerticle(String serviceName, String serviceAddress) {
    this.serviceName = serviceName;
    this.serviceAddress = serviceAddress;
  }

  protected String serviceName() {
    return serviceName;
  }

  protected String serviceAddress() {
    return serviceAddress;
  }

  protected abstract Future<?> startService();

  protected Future<?> stopService() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    settings = ApexConfig.of(config());
    calls = new BusCalls(vertx, settings);
    health = HealthChecks.create(vertx);

    return startService()
        .compose(v -> serve(HEALTH_PREFIX + serviceName(), body -> health.checkStatus()
            .map(result -> result.toJson().put("service", serviceName()).put("node_id", settings.nodeId()))))
        // The fingerprint may read a PEM file: off the event loop.
        .compose(v -> vertx.executeBlocking(() -> JwtKeys.fingerprint(settings)))
        .compose(fingerprint -> {
          announcer = new ServiceAnnouncer(vertx, settings.nodeId(), fingerprint);
          return announcer.announce(serviceName(), serviceAddress());
        })
        .onSuccess(v -> NodeAgent.started(vertx, serviceName()));
  }

  /**
   * Stops taking work first (every served address unregistered, cluster-wide), then lets the
   * service finish or hand over what it holds, then withdraws its discovery records and closes its
   * storage.
   */
  @Override
  public final Future<?> stop() {
    log.info("{} stopping: no new work taken", serviceName());
    NodeAgent.stopped(vertx, serviceName());
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
        .transform(v -> stopService())
        .transform(v -> announcer == null ? Future.succeededFuture() : announcer.withdrawAll())
        .transform(v -> Future.join(closers.stream().<Future<?>>map(Supplier::get).toList()));
  }

  /** The owner's PostgreSQL pool, once its migrations (schema {@code owner}) have run. */
  protected Future<Pool> postgres(String owner) {
    Pool pool = Postgres.pool(vertx, settings);
    closers.add(pool::close);
    healthCheck("postgres", v -> pool.query("SELECT 1").execute());
    return Postgres.migrate(vertx, settings, owner).map(pool);
  }

  protected RedisAPI redis() {
    if (redis == null) {
      redis = RedisStore.api(vertx, settings);
      healthCheck("redis", v -> redis.ping(List.of()));
    }
    return redis;
  }

  protected RunEventEmitter emitter() {
    if (emitter == null) {
      emitter = new RunEventEmitter(vertx, redis());
    }
    return emitter;
  }

  /**
   * Serves a pipeline stage: reads the {@link StageRequest}, refuses one without its run, and hands
   * the work what it needs to show its progress as {@code agent}. A run asked for twice gets its
   * first answer again ({@link StageResults}); the sender's last seq of the run (header
   * {@code apex-run-seq}) lets the stage number its events after it while Redis is away. The
   * request's {@code traceparent} and its run and user ids are in the log context while the work
   * starts, and the time served is {@code apex_stage_duration_seconds{stage}}.
   */
  protected Future<Void> serveStage(String address, Agent agent,
                                    BiFunction<StageRequest, StageWork, Future<? extends Contract>> work) {
    RunEventEmitter events = emitter();
    StageResults answers = new StageResults(redis(), agent.wire(), settings.number("runs.timeout_ms"));
    ApexMetrics metrics = ApexMetrics.of(vertx);
    return serveMessages(address, message -> {
      // From the supervisor the record itself (ContractCodec); from elsewhere (apex-bus) its JSON.
      StageRequest request;
      if (message.body() instanceof StageRequest record) {
        request = record;
      } else if (message.body() instanceof JsonObject json) {
        request = ContractJson.fromJson(json, StageRequest.class);
      } else {
        return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(agent.wire() + ": the request is not a JSON object"));
      }
      if (request.run() == null) {
        return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(agent.wire() + ": the request names no run"));
      }
      String seq = message.headers().get(BusHeaders.RUN_SEQ);
      if (seq != null && seq.matches("\\d{1,18}")) {
        events.observe(request.run().runId(), Long.parseLong(seq));
      }
      TraceContext trace = TraceContext.parse(message.headers().get(BusHeaders.TRACEPARENT));
      long started = System.nanoTime();
      return TraceContext.logged(request.run().runId(), request.run().userId(), trace, () -> {
        log.debug("{} serving run {}", agent.wire(), request.run().runId());
        // The answer leaves once the stage's events are placed: the next stage numbers after them.
        return answers.once(request.run().runId(), "true".equals(message.headers().get(BusHeaders.FIRST_ASK)),
            () -> work.apply(request, new StageWork(events, request.run(), agent))
                .compose(result -> events.settled(request.run().runId()).map(v -> result.toJson())));
      }).onComplete(done -> metrics.stageServed(agent.wire(), System.nanoTime() - started));
    });
  }

  /**
   * Serves {@code address}: the handler's success is the reply; a {@link ContractException} answers
   * {@code bad_request}, a {@link ReplyException} passes through, anything else is logged and
   * answered {@code internal}. Completes when the consumer is registered cluster-wide.
   */
  protected Future<Void> serve(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return this.<JsonObject>serveMessages(address, message -> handler.apply(message.body()));
  }

  /** As {@link #serve}, for a handler that reads the message's headers too, or a body that is a record. */
  private <B> Future<Void> serveMessages(String address, Function<Message<B>, Future<JsonObject>> handler) {
    MessageConsumer<B> consumer = vertx.eventBus().consumer(address, message -> handle(message, handler));
    consumers.add(consumer);
    return consumer.completion();
  }

  private <B> void handle(Message<B> message, Function<Message<B>, Future<JsonObject>> handler) {
    Future<JsonObject> answer;
    try {
      answer = handler.apply(message);
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
