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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Login sessions in Redis. A session is a refresh family: each refresh token is 256 random bits,
 * stored only as its SHA-256, single use; redeeming one marks it used and a new one of the same
 * family is issued. Every access token carries its session id ({@code sid}). Presenting a used
 * refresh token again means it leaked, and logout means the user is done: either ends the session,
 * which deletes the family and denylists the session for as long as any of its access tokens can
 * live, so every access token issued in it stops working at once.
 */
final class SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Redeems atomically: unknown, reused (→ end the session), revoked, or ok with the record. */
  private static final String REDEEM = """
      local rec = redis.call('GET', KEYS[1])
      if not rec then return {'unknown'} end
      local r = cjson.decode(rec)
      local family = 'apex:refresh-family:' .. r.family
      if r.used then
        redis.call('DEL', family)
        redis.call('SET', 'apex:denied-session:' .. r.family, '1', 'EX', ARGV[1])
        return {'reused', r.user_id, r.family}
      end
      if redis.call('EXISTS', family) == 0 then return {'revoked'} end
      r.used = true
      redis.call('SET', KEYS[1], cjson.encode(r), 'KEEPTTL')
      return {'ok', rec}""";

  record Refresh(String userId, String family) {}

  /** A new session: its id and its first refresh token. */
  record Session(String sid, String refreshToken) {}

  private final RedisAPI redis;
  private final int refreshTtlSeconds;
  /** How long a session stays denylisted: the longest an access token of it can still be valid. */
  private final int denySeconds;
  private final java.util.function.Consumer<Refresh> onReuse;

  SessionStore(RedisAPI redis, int refreshTtlSeconds, int accessTtlSeconds, java.util.function.Consumer<Refresh> onReuse) {
    this.redis = redis;
    this.refreshTtlSeconds = refreshTtlSeconds;
    this.denySeconds = accessTtlSeconds + 60;
    this.onReuse = onReuse;
  }

  int refreshTtlSeconds() {
    return refreshTtlSeconds;
  }

  /** A new session (login, signup). */
  Future<Session> start(String userId) {
    String family = UUID.randomUUID().toString();
    return redis.set(List.of("apex:refresh-family:" + family, userId, "EX", String.valueOf(refreshTtlSeconds)))
        .compose(ok -> issue(userId, family))
        .map(token -> new Session(family, token));
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
    return redis.eval(List.of(REDEEM, "1", key(token), String.valueOf(denySeconds))).compose(answer -> switch (answer.get(0).toString()) {
      case "ok" -> {
        JsonObject record = new JsonObject(answer.get(1).toString());
        yield Future.succeededFuture(new Refresh(record.getString("user_id"), record.getString("family")));
      }
      case "reused" -> {
        LOG.warn("refresh token reused; its session is ended");
        onReuse.accept(new Refresh(answer.get(1).toString(), answer.get(2).toString()));
        yield Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("refresh token already used; the session is revoked"));
      }
      case "revoked" -> Future.failedFuture(ErrorCode.TOKEN_REVOKED.failure("the session was ended; log in again"));
      default -> Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("refresh token unknown or expired"));
    });
  }

  /** Ends session {@code sid}: no refresh of it works any more, nor any access token issued in it. */
  Future<Void> end(String sid) {
    return redis.set(List.of("apex:denied-session:" + sid, "1", "EX", String.valueOf(denySeconds)))
        .compose(ok -> redis.del(List.of("apex:refresh-family:" + sid)))
        .mapEmpty();
  }

  Future<Boolean> ended(String sid) {
    return redis.exists(List.of("apex:denied-session:" + sid)).map(n -> n.toInteger() > 0);
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
