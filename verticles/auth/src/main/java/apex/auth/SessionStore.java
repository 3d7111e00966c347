package apex.auth;

import apex.contracts.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Refresh tokens and revocations in Redis. A refresh token is 256 random bits, stored only as its
 * SHA-256, single use: redeeming it marks it used and a new one of the same family is issued.
 * Presenting a used token again means it leaked, so the whole family is revoked. Logout revokes the
 * family and denylists the access token's jti until it would have expired anyway.
 */
final class SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Redeems atomically: unknown, reused (→ revoke family), revoked, or ok with the record. */
  private static final String REDEEM = """
      local rec = redis.call('GET', KEYS[1])
      if not rec then return {'unknown'} end
      local r = cjson.decode(rec)
      local family = 'apex:refresh-family:' .. r.family
      if r.used then
        redis.call('DEL', family)
        return {'reused'}
      end
      if redis.call('EXISTS', family) == 0 then return {'revoked'} end
      r.used = true
      redis.call('SET', KEYS[1], cjson.encode(r), 'KEEPTTL')
      return {'ok', rec}""";

  record Refresh(String userId, String family) {}

  private final RedisAPI redis;
  private final int refreshTtlSeconds;

  SessionStore(RedisAPI redis, int refreshTtlSeconds) {
    this.redis = redis;
    this.refreshTtlSeconds = refreshTtlSeconds;
  }

  int refreshTtlSeconds() {
    return refreshTtlSeconds;
  }

  /** A new family (login, signup): answers its first refresh token. */
  Future<String> startFamily(String userId) {
    String family = UUID.randomUUID().toString();
    return redis.set(List.of("apex:refresh-family:" + family, userId, "EX", String.valueOf(refreshTtlSeconds)))
        .compose(ok -> issue(userId, family));
  }

  private Future<String> issue(String userId, String family) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    JsonObject record = new JsonObject().put("user_id", userId).put("family", family).put("used", false);
    return redis.set(List.of(key(token), record.encode(), "EX", String.valueOf(refreshTtlSeconds))).map(token);
  }

  /** The next refresh token of a redeemed one's family. */
  Future<String> next(Refresh redeemed) {
    return issue(redeemed.userId(), redeemed.family());
  }

  /** Uses up {@code token}: answers whose it was, or why it cannot be used. */
  Future<Refresh> redeem(String token) {
    if (token == null || token.isBlank() || token.length() > 256) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("refresh_token: missing or malformed"));
    }
    return redis.eval(List.of(REDEEM, "1", key(token))).compose(answer -> switch (answer.get(0).toString()) {
      case "ok" -> {
        JsonObject record = new JsonObject(answer.get(1).toString());
        yield Future.succeededFuture(new Refresh(record.getString("user_id"), record.getString("family")));
      }
      case "reused" -> {
        LOG.warn("refresh token reused; its session family is revoked");
        yield Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("refresh token already used; the session is revoked"));
      }
      case "revoked" -> Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("the session was ended; log in again"));
      default -> Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("refresh token unknown or expired"));
    });
  }

  /** Ends the family of {@code refreshToken} if it is {@code userId}'s; unknown tokens are ignored. */
  Future<Void> revokeFamily(String userId, String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 256) {
      return Future.succeededFuture();
    }
    return redis.get(key(refreshToken)).compose(stored -> {
      if (stored == null) {
        return Future.succeededFuture();
      }
      JsonObject record = new JsonObject(stored.toString());
      return userId.equals(record.getString("user_id"))
          ? redis.del(List.of("apex:refresh-family:" + record.getString("family"))).mapEmpty()
          : Future.succeededFuture();
    });
  }

  /** Denylists an access token until its own expiry. */
  Future<Void> deny(String jti, long expiresAt) {
    long ttl = Math.max(1, expiresAt - Instant.now().getEpochSecond() + 10);
    return redis.set(List.of("apex:denied:" + jti, "1", "EX", String.valueOf(ttl))).mapEmpty();
  }

  Future<Boolean> denied(String jti) {
    return redis.exists(List.of("apex:denied:" + jti)).map(n -> n.toInteger() > 0);
  }

  private static String key(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "apex:refresh:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
