package apex.data.usage;

import apex.contracts.ContractJson;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data stage's results in Redis, per (user, window, data version), for an hour. A user's data
 * version is a counter every stored upload and every delete increments, so a result cached before
 * the data changed is never read again (its key names the old version) and simply expires.
 * The cache only saves work: when Redis cannot be reached, reads miss and writes are skipped, and
 * the outage is logged once (and its end once), not on every call.
 */
public final class AggregateCache {
  static final String TTL_SECONDS = "3600";
  private static final Logger LOG = LoggerFactory.getLogger(AggregateCache.class);

  private final RedisAPI redis;
  private final AtomicBoolean unreachable = new AtomicBoolean();

  public AggregateCache(RedisAPI redis) {
    this.redis = redis;
  }

  static String versionKey(String userId) {
    return "apex:usage-version:" + userId;
  }

  static String resultKey(String userId, Window window, long version) {
    return "apex:usage-agg:" + userId + ":" + window.from() + ":" + window.to() + ":" + version;
  }

  /** The user's data version (0 before any upload or delete); null when Redis cannot be reached. */
  public Future<Long> version(String userId) {
    return guarded(redis.get(versionKey(userId)).map(v -> v == null ? 0L : v.toLong()));
  }

  /** The result cached for this version with {@code fromCache} set; null when there is none. */
  public Future<DataResult> get(String userId, Window window, long version) {
    return guarded(redis.get(resultKey(userId, window, version)).map(v -> v == null ? null
        : ContractJson.fromJson(new JsonObject(v.toString()).put("from_cache", true), DataResult.class)));
  }

  /** Caches {@code result} under its window and {@code dataVersion}. */
  public Future<Void> put(String userId, DataResult result) {
    return guarded(redis.set(List.of(resultKey(userId, result.window(), result.dataVersion()),
        result.toJson().encode(), "EX", TTL_SECONDS)).<Void>mapEmpty());
  }

  /** After an upload or delete committed: results of the old version are no longer read. */
  public Future<Void> bump(String userId) {
    return guarded(redis.incr(versionKey(userId)).<Void>mapEmpty());
  }

  /** The call's result, or null when Redis failed to answer. */
  private <T> Future<T> guarded(Future<T> call) {
    return call
        .onSuccess(v -> {
          if (unreachable.compareAndSet(true, false)) {
            LOG.info("aggregate cache reachable again");
          }
        })
        .recover(e -> {
          if (unreachable.compareAndSet(false, true)) {
            LOG.warn("aggregate cache unavailable, analysing from PostgreSQL without it: {}", e.getMessage());
          }
          return Future.succeededFuture();
        });
  }
}
