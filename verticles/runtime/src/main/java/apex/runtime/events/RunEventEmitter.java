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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits a run's events from whichever node does the work. Redis gives each event its place: one
 * script moves the run's sequence on and appends the events to the run's log (a sorted set scored
 * by seq, kept 24 h) atomically, so seq is gapless across nodes and a client can replay what it
 * missed. Each event is then published to {@link Addresses#RUN_EVENTS} with the owner's user id,
 * and each ws-bridge node hands it to that user's sockets.
 *
 * <p>Emits of one run from one emitter leave in the order they were asked for. One script call of
 * the run is out at a time; the events asked for meanwhile wait and go together in the next call
 * (at most {@value #MAX_BATCH}), so a stage that emits while it works never waits on Redis for each
 * event. A caller that hands the run on (a stage answering, a supervisor asking the next stage)
 * first waits for {@link #settled}, so the next emitter numbers after everything this one placed.
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
  /** Events placed by one script call at most (each is one argument of the call). */
  static final int MAX_BATCH = 100;

  /** ARGV: retention, the emitter's known seq, then the entries in order; returns the first seq. */
  private static final String APPEND = """
      local first = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[2])) + 1
      local scored = {}
      for i = 3, #ARGV do
        scored[#scored + 1] = first + i - 3
        scored[#scored + 1] = ARGV[i]
      end
      redis.call('ZADD', KEYS[2], unpack(scored))
      redis.call('SET', KEYS[1], first + #ARGV - 3, 'EX', ARGV[1])
      redis.call('EXPIRE', KEYS[2], ARGV[1])
      return first""";

  private final Vertx vertx;
  private final RedisAPI redis;
  private final ApexMetrics metrics;
  /** Per run with emits not yet placed: those waiting, and whether a script call is out. */
  private final Map<String, Outbox> outboxes = new HashMap<>();
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

  /** Completes once the event is placed and published; never fails. */
  public Future<RunEvent> emit(RunRef run, Agent agent, EventType type, JsonObject fields) {
    Pending pending = new Pending(new RunEvent(type, run.runId(), run.threadId(), 0,
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), agent.wire(), fields), run.userId(), Promise.promise());
    Outbox outbox = outboxes.computeIfAbsent(run.runId(), id -> new Outbox());
    outbox.waiting.add(pending);
    outbox.last = pending.placed.future();
    if (!outbox.sending) {
      send(run.runId(), outbox);
    }
    return pending.placed.future();
  }

  /** Completes once every emit of the run asked for so far has been placed. */
  public Future<Void> settled(String runId) {
    Outbox outbox = outboxes.get(runId);
    return outbox == null ? Future.succeededFuture() : outbox.last.mapEmpty();
  }

  private void send(String runId, Outbox outbox) {
    List<Pending> batch = new ArrayList<>(outbox.waiting.subList(0, Math.min(MAX_BATCH, outbox.waiting.size())));
    outbox.waiting.subList(0, batch.size()).clear();
    outbox.sending = true;
    place(runId, batch).onComplete(first -> {
      long seq = first.result();
      observe(runId, seq + batch.size() - 1);
      try {
        for (Pending pending : batch) {
          publish(pending, seq++);
        }
      } finally {
        outbox.sending = false;
        if (outbox.waiting.isEmpty()) {
          outboxes.remove(runId);
        } else {
          send(runId, outbox);
        }
      }
    });
  }

  /** The seq of the batch's first event: from Redis, or after the last known one while Redis is away. */
  private Future<Long> place(String runId, List<Pending> batch) {
    List<String> args = new ArrayList<>(batch.size() + 6);
    args.addAll(List.of(APPEND, "2", seqKey(runId), logKey(runId), String.valueOf(RETENTION_SECONDS),
        String.valueOf(lastSeq(runId))));
    for (Pending pending : batch) {
      // The log entry carries everything but seq (its score), so one round trip places and stores it.
      JsonObject entry = pending.event.toJson();
      entry.remove("seq");
      args.add(entry.encode());
    }
    return redis.eval(args)
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
          return Future.succeededFuture(lastSeq(runId) + 1);
        });
  }

  private void publish(Pending pending, long seq) {
    RunEvent placed = pending.event;
    RunEvent event = new RunEvent(placed.type(), placed.runId(), placed.threadId(), seq, placed.ts(), placed.agent(),
        placed.fields());
    vertx.eventBus().publish(Addresses.RUN_EVENTS, event.toJson(),
        new DeliveryOptions().addHeader(BusHeaders.USER_ID, pending.userId)
            .addHeader(BusHeaders.NODE, ClusterNodes.self(vertx)));
    metrics.eventEmitted();
    pending.placed.complete(event);
  }

  private record Pending(RunEvent event, String userId, Promise<RunEvent> placed) {}

  private static final class Outbox {
    private final List<Pending> waiting = new ArrayList<>();
    private Future<RunEvent> last;
    private boolean sending;
  }
}
