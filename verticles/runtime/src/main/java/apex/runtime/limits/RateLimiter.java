package apex.runtime.limits;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;

import java.util.List;

/**
 * Token buckets in Redis, shared by every node: each key holds up to {@code burst} tokens and
 * regains {@code perMinute} a minute. Time comes from Redis so nodes with skewed clocks agree.
 */
public final class RateLimiter {
  private static final String TAKE = """
      local cap = tonumber(ARGV[1])
      local rate = tonumber(ARGV[2])
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(b[1]) or cap
      local ts = tonumber(b[2]) or now
      tokens = math.min(cap, tokens + math.max(0, now - ts) * rate)
      local allowed = 0
      local retry = 0
      if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
      else
        retry = math.ceil((1 - tokens) / rate)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
      return {allowed, retry}""";

  /** {@code retryAfterMs} is 0 when allowed. */
  public record Decision(boolean allowed, long retryAfterMs) {}

  private final RedisAPI redis;

  public RateLimiter(RedisAPI redis) {
    this.redis = redis;
  }

  public Future<Decision> take(String key, int burst, int perMinute) {
    double perMs = perMinute / 60_000.0;
    return redis.eval(List.of(TAKE, "1", "apex:limit:" + key, String.valueOf(burst), String.valueOf(perMs)))
        .map(r -> new Decision(r.get(0).toInteger() == 1, r.get(1).toLong()));
  }
}
