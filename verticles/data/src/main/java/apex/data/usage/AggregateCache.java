package apex.data.usage;

import apex.contracts.ContractJson;
import apex.contracts.stage.Coverage;
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
 * The data stage's results in Redis, per (user, window, data version), for an hour, and the
 * coverage of a window (triage asks it on every run) tagged with the version it was counted at. A
 * user's data version is a counter every stored upload and every delete increments, so a result
 * cached before the data changed is never read again (its key names the old version) and simply
 * expires.
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

  /**
   * The user's data version and the coverage cached for the window at that version (null when none
   * was, or it was counted at another version), in one round trip; null when Redis cannot be reached.
   */
  public Future<VersionedCoverage> coverage(String userId, Window window) {
    return guarded(redis.mget(List.of(versionKey(userId), coverageKey(userId, window))).map(values -> {
      long version = values.get(0) == null ? 0L : values.get(0).toLong();
      JsonObject cached = values.get(1) == null ? null : new JsonObject(values.get(1).toString());
      return new VersionedCoverage(version, cached != null && cached.getLong("data_version", -1L) == version
          ? ContractJson.fromJson(cached.getJsonObject("coverage"), Coverage.class) : null);
    }));
  }

  /** Caches {@code coverage} as counted at {@code version}. */
  public Future<Void> putCoverage(String userId, long version, Coverage coverage) {
    JsonObject value = new JsonObject().put("data_version", version).put("coverage", coverage.toJson());
    return guarded(redis.set(List.of(coverageKey(userId, coverage.window()), value.encode(), "EX", TTL_SECONDS))
        .<Void>mapEmpty());
  }

  /** A user's data version, and the coverage cached for it (null when there is none). */
  public record VersionedCoverage(long version, Coverage coverage) {}

  static String coverageKey(String userId, Window window) {
    return "apex:usage-coverage:" + userId + ":" + window.from() + ":" + window.to();
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
