package apex.runtime.storage;

import apex.runtime.config.ApexConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;

/** The node's Redis client, from {@code redis.url}. */
public final class RedisStore {
  private RedisStore() {}

  public static RedisAPI api(Vertx vertx, ApexConfig config) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.string("redis.url"))
        .setMaxPoolSize(16)
        // Bursts of run events queue (bounded) for a connection instead of failing the run.
        .setMaxPoolWaiting(2048)
        .setMaxWaitingHandlers(2048);
    return RedisAPI.api(Redis.createClient(vertx, options));
  }
}
