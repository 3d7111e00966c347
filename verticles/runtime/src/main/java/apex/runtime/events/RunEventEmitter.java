package apex.runtime.events;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.runtime.cluster.ClusterNodes;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunEvent;
import apex.contracts.run.RunRef;
import apex.runtime.metrics.ApexMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits a run's events from whichever node does the work. Redis gives each event its place: one
 * script moves the run's sequence on and appends the event to the run's log (a sorted set scored
 * by seq, kept 24 h) atomically, so seq is gapless across nodes and a client can replay what it
 * missed. The event is then published to {@link Addresses#RUN_EVENTS} with the owner's user id,
 * and each ws-bridge node hands it to that user's sockets. Emits of one run from one emitter are
 * chained, so they leave in the order they were asked for.
 *
 * <p>While Redis cannot be reached the events still flow live: the emitter numbers them itself,
 * after the highest seq it knows for the run ({@link #observe}: the supervisor passes its own with
 * every stage request and watches the stages' events), and they are missing from the log. Once
 * Redis answers again the script never hands out a seq at or below the one the emitter knows, so
 * the numbering stays gapless and never repeats.
 */
public final class RunEventEmitter {
  public static final long RETENTION_SECONDS = 24 * 3600;
  private static final Logger LOG = LoggerFactory.getLogger(RunEventEmitter.class);
  /** Runs whose last seq is remembered; older ones are forgotten (a run lasts a minute at most). */
  private static final int KNOWN_RUNS = 10_000;

  private static final String APPEND = """
      local seq = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[3])) + 1
      redis.call('SET', KEYS[1], seq, 'EX', ARGV[2])
      redis.call('ZADD', KEYS[2], seq, ARGV[1])
      redis.call('EXPIRE', KEYS[2], ARGV[2])
      return seq""";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final ApexMetrics metrics;
  private final Map<String, Future<RunEvent>> tails = new HashMap<>();
  private final Map<String, Long> known = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > KNOWN_RUNS;
    }
  };
  private boolean redisDown;

  public RunEventEmitter(Vertx vertx, RedisAPI redis) {
    this.vertx = vertx;
    this.redis = redis;
    this.metrics = ApexMetrics.of(vertx);
  }

  public static String seqKey(String runId) {
    return "apex:run:" + runId + ":seq";
  }

  public static String logKey(String runId) {
    return "apex:run:" + runId + ":events";
  }

  /** The highest seq this emitter knows for the run (0 when none). */
  public long lastSeq(String runId) {
    return known.getOrDefault(runId, 0L);
  }

  /** Another emitter placed {@code seq} in the run: this one never numbers at or below it. */
  public void observe(String runId, long seq) {
    known.merge(runId, seq, Math::max);
  }

  public Future<RunEvent> emit(RunRef run, Agent agent, EventType type, JsonObject fields) {
    Future<RunEvent> previous = tails.getOrDefault(run.runId(), Future.succeededFuture());
    Future<RunEvent> next = previous.transform(ignored -> append(run, agent, type, fields));
    tails.put(run.runId(), next);
    next.onComplete(done -> tails.remove(run.runId(), next));
    return next;
  }

  /** Completes once every emit of the run asked for so far has been placed. */
  public Future<Void> settled(String runId) {
    return tails.getOrDefault(runId, Future.succeededFuture()).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<RunEvent> append(RunRef run, Agent agent, EventType type, JsonObject fields) {
    String ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    // The log entry carries everything but seq (its score), so one round trip places and stores it.
    JsonObject entry = new RunEvent(type, run.runId(), run.threadId(), 0, ts, agent.wire(), fields).toJson();
    entry.remove("seq");
    return redis.eval(List.of(APPEND, "2", seqKey(run.runId()), logKey(run.runId()), entry.encode(),
            String.valueOf(RETENTION_SECONDS), String.valueOf(lastSeq(run.runId()))))
        .map(seq -> {
          if (redisDown) {
            redisDown = false;
            LOG.info("run events logged in Redis again");
          }
          return seq.toLong();
        })
        .recover(e -> {
          if (!redisDown) {
            redisDown = true;
            LOG.warn("Redis unavailable, run events are numbered here and not logged (no replay): {}", e.getMessage());
          }
          return Future.succeededFuture(lastSeq(run.runId()) + 1);
        })
        .map(seq -> {
          observe(run.runId(), seq);
          RunEvent event = new RunEvent(type, run.runId(), run.threadId(), seq, ts, agent.wire(), fields);
          vertx.eventBus().publish(Addresses.RUN_EVENTS, event.toJson(),
              new DeliveryOptions().addHeader(BusHeaders.USER_ID, run.userId())
                  .addHeader(BusHeaders.NODE, ClusterNodes.self(vertx)));
          metrics.eventEmitted();
          return event;
        });
  }
}
