package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.auth.TokenCheck;
import apex.contracts.auth.VerifiedUser;
import apex.runtime.bus.BusCalls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocketHandshake;

/** Turns what a request carries (ticket, subprotocol bearer, Authorization bearer) into a verified user via auth. */
final class Authenticator {
  static final String BEARER_SUBPROTOCOL = "bearer.";

  private final BusCalls calls;

  Authenticator(BusCalls calls) {
    this.calls = calls;
  }

  Future<VerifiedUser> bearer(MultiMap headers) {
    String header = headers.get(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("Authorization: Bearer <access_token> is required"));
    }
    return verify(header.substring(7).trim());
  }

  /** WebSocket: {@code ?ticket=}, then {@code Sec-WebSocket-Protocol: bearer.<jwt>}, then {@code Authorization}. */
  Future<VerifiedUser> handshake(ServerWebSocketHandshake handshake) {
    String ticket = queryParam(handshake.query(), "ticket");
    if (ticket != null) {
      return calls.request("auth", Addresses.AUTH_TICKET_REDEEM, new TokenCheck(ticket).toJson(), new DeliveryOptions())
          .map(json -> ContractJson.fromJson(json, VerifiedUser.class));
    }
    String protocols = handshake.headers().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String protocol : protocols.split(",")) {
        if (protocol.trim().startsWith(BEARER_SUBPROTOCOL)) {
          return verify(protocol.trim().substring(BEARER_SUBPROTOCOL.length()));
        }
      }
    }
    if (handshake.headers().contains(HttpHeaders.AUTHORIZATION)) {
      return bearer(handshake.headers());
    }
    return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure(
        "authentication required: ?ticket=, Sec-WebSocket-Protocol bearer.<jwt> or Authorization: Bearer"));
  }

  private Future<VerifiedUser> verify(String token) {
    return calls.request("auth", Addresses.AUTH_VERIFY, new TokenCheck(token).toJson(), new DeliveryOptions())
        .map(json -> ContractJson.fromJson(json, VerifiedUser.class));
  }

  private static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
