package apex.auth;

import apex.contracts.ErrorCode;
import apex.contracts.auth.Ticket;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.ContractJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Single-use WebSocket tickets: 192 random bits, kept in Redis with a short TTL and redeemed with
 * GETDEL, so two sockets can never redeem the same ticket.
 */
final class TicketStore {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisAPI redis;
  private final int ttlSeconds;

  TicketStore(RedisAPI redis, int ttlSeconds) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
  }

  private static String key(String ticket) {
    return "apex:ticket:" + ticket;
  }

  Future<Ticket> issue(VerifiedUser user) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return redis.set(List.of(key(ticket), user.toJson().encode(), "EX", String.valueOf(ttlSeconds), "NX"))
        .map(ok -> new Ticket(ticket, ttlSeconds))
        .recover(e -> Future.failedFuture(ErrorCode.UNAVAILABLE.failure("WebSocket tickets are unavailable: their "
            + "store (Redis) cannot be reached. Open the socket with Sec-WebSocket-Protocol: bearer.<access_token> "
            + "instead, or try again shortly")));
  }

  Future<VerifiedUser> redeem(String ticket) {
    if (ticket == null || ticket.isBlank() || ticket.length() > 128) {
      return Future.failedFuture(ErrorCode.TICKET_INVALID.failure("ticket missing or malformed"));
    }
    return redis.getdel(key(ticket)).compose(stored -> stored == null
        ? Future.failedFuture(ErrorCode.TICKET_INVALID.failure("ticket unknown, expired or already used"))
        : Future.succeededFuture(ContractJson.fromJson(new JsonObject(stored.toString()), VerifiedUser.class)));
  }
}
