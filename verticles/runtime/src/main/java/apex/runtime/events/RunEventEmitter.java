package apex.runtime.events;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunEvent;
import apex.contracts.run.RunRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits a run's events from whichever node does the work. Redis gives each event its place: one
 * script increments the run's sequence and appends the event to the run's log (a sorted set scored
 * by seq, kept 24 h) atomically, so seq is gapless across nodes and a client can replay what it
 * missed. The event is then published to {@link Addresses#RUN_EVENTS} with the owner's user id,
 * and each ws-bridge node hands it to that user's sockets. Emits of one run from one emitter are
 * chained, so they leave in the order they were asked for.
 */
public final class RunEventEmitter {
  public static final long RETENTION_SECONDS = 24 * 3600;

  private static final String APPEND = """
      local seq = redis.call('INCR', KEYS[1])
      redis.call('ZADD', KEYS[2], seq, ARGV[1])
      redis.call('EXPIRE', KEYS[1], ARGV[2])
      redis.call('EXPIRE', KEYS[2], ARGV[2])
      return seq""";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final Map<String, Future<RunEvent>> tails = new HashMap<>();

  public RunEventEmitter(Vertx vertx, RedisAPI redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  public static String seqKey(String runId) {
    return "apex:run:" + runId + ":seq";
  }

  public static String logKey(String runId) {
    return "apex:run:" + runId + ":events";
  }

  public Future<RunEvent> emit(RunRef run, Agent agent, EventType type, JsonObject fields) {
    Future<RunEvent> previous = tails.getOrDefault(run.runId(), Future.succeededFuture());
    Future<RunEvent> next = previous.transform(ignored -> append(run, agent, type, fields));
    tails.put(run.runId(), next);
    next.onComplete(done -> tails.remove(run.runId(), next));
    return next;
  }

  private Future<RunEvent> append(RunRef run, Agent agent, EventType type, JsonObject fields) {
    String ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    // The log entry carries everything but seq (its score), so one round trip places and stores it.
    JsonObject entry = new RunEvent(type, run.runId(), run.threadId(), 0, ts, agent.wire(), fields).toJson();
    entry.remove("seq");
    return redis.eval(List.of(APPEND, "2", seqKey(run.runId()), logKey(run.runId()), entry.encode(),
            String.valueOf(RETENTION_SECONDS)))
        .map(seq -> new RunEvent(type, run.runId(), run.threadId(), seq.toLong(), ts, agent.wire(), fields))
        .onSuccess(event -> vertx.eventBus().publish(Addresses.RUN_EVENTS, event.toJson(),
            new DeliveryOptions().addHeader(BusHeaders.USER_ID, run.userId())));
  }
}
