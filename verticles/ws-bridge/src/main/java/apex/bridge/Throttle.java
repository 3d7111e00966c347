package apex.bridge;

import apex.runtime.config.ApexConfig;
import apex.runtime.limits.RateLimiter;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's rate limits, from {@code limits.*}: login attempts per account and per client IP,
 * ticket issuance per user. Shared across bridge nodes through Redis; when Redis cannot answer the
 * request goes through (logged), so an outage does not lock everybody out.
 */
final class Throttle {
  private static final Logger LOG = LoggerFactory.getLogger(Throttle.class);

  /** Over a limit: answered 429 with Retry-After over REST, {@code rate_limited} over WebSocket. */
  static final class Exceeded extends RuntimeException {
    final long retryAfterMs;

    Exceeded(String message, long retryAfterMs) {
      super(message, null, false, false);
      this.retryAfterMs = retryAfterMs;
    }
  }

  private final RateLimiter limiter;
  private final ApexConfig config;

  Throttle(RedisAPI redis, ApexConfig config) {
    this.limiter = new RateLimiter(redis);
    this.config = config;
  }

  Future<Void> login(String email, String ip) {
    return take("login-ip:" + ip, "login_ip", "too many login attempts from your address")
        .compose(v -> take("login-account:" + email, "login_account", "too many login attempts for this account"));
  }

  Future<Void> signup(String ip) {
    return take("signup-ip:" + ip, "login_ip", "too many sign-ups from your address");
  }

  Future<Void> ticket(String userId) {
    return take("ticket:" + userId, "tickets", "too many WebSocket tickets");
  }

  private Future<Void> take(String key, String limit, String message) {
    return limiter.take(key, config.integer("limits." + limit + "_burst"), config.integer("limits." + limit + "_per_minute"))
        .recover(e -> {
          LOG.warn("rate limit {} not checked, Redis unavailable: {}", limit, e.getMessage());
          return Future.succeededFuture(new RateLimiter.Decision(true, 0));
        })
        .compose(d -> d.allowed() ? Future.succeededFuture()
            : Future.failedFuture(new Exceeded(message + "; try again in " + (d.retryAfterMs() + 999) / 1000 + " s",
                d.retryAfterMs())));
  }
}
