package apex.runtime.stage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A stage asked twice for the same run gives the same answer: a supervisor that took over a run
 * asks again the stage whose answer went to the supervisor that died. The first answer is kept in
 * Redis per (run, stage) for twice the run timeout (past it no run asks again), claimed with SET NX
 * so that two instances working on the same request at once still answer alike; a request already
 * in progress here is joined, not repeated. A first ask (header {@code apex-first-ask}) goes
 * straight to the work: only a retry of it could have left an answer, and SET NX settles that.
 * Without Redis the stage just does the work (logged once per outage).
 */
public final class StageResults {
  private static final Logger LOG = LoggerFactory.getLogger(StageResults.class);

  private final RedisAPI redis;
  private final String stage;
  private final String ttlSeconds;
  private final Map<String, Future<JsonObject>> inProgress = new HashMap<>();
  private boolean redisDown;

  public StageResults(RedisAPI redis, String stage, long runTimeoutMs) {
    this.redis = redis;
    this.stage = stage;
    this.ttlSeconds = String.valueOf(Math.max(1, 2 * runTimeoutMs / 1000));
  }

  static String key(String runId, String stage) {
    return "apex:run:" + runId + ":stage:" + stage;
  }

  /**
   * The answer kept for the run, else the work's answer, kept for the next time; on a
   * {@code firstAsk} the work starts at once (its answer is still claimed, see {@link #keep}).
   */
  public Future<JsonObject> once(String runId, boolean firstAsk, Supplier<Future<JsonObject>> work) {
    Future<JsonObject> running = inProgress.get(runId);
    if (running != null) {
      return running;
    }
    String key = key(runId, stage);
    Future<JsonObject> found = firstAsk ? Future.succeededFuture() : kept(key);
    Future<JsonObject> answer = found.compose(kept -> kept != null ? Future.succeededFuture(kept)
        : work.get().compose(fresh -> keep(key, fresh)));
    inProgress.put(runId, answer);
    answer.onComplete(done -> inProgress.remove(runId));
    return answer;
  }

  private Future<JsonObject> kept(String key) {
    return reachable(redis.get(key).map(value -> value == null ? null : new JsonObject(value.toString())));
  }

  /** Keeps {@code fresh} unless another instance kept its answer first; answers whichever was kept. */
  private Future<JsonObject> keep(String key, JsonObject fresh) {
    return reachable(redis.set(List.of(key, fresh.encode(), "NX", "EX", ttlSeconds)))
        .compose(set -> set != null || redisDown ? Future.succeededFuture(fresh)
            : kept(key).map(other -> other == null ? fresh : other));
  }

  private <T> Future<T> reachable(Future<T> call) {
    return call.onSuccess(v -> {
      if (redisDown) {
        redisDown = false;
        LOG.info("{}: stage answers kept in Redis again", stage);
      }
    }).recover(e -> {
      if (!redisDown) {
        redisDown = true;
        LOG.warn("{}: Redis unavailable, stage answers are not kept (a repeated request is worked again): {}",
            stage, e.getMessage());
      }
      return Future.succeededFuture();
    });
  }
}
