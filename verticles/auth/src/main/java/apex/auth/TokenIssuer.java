package apex.auth;

import apex.contracts.ErrorCode;
import apex.contracts.auth.VerifiedUser;
import apex.runtime.config.ApexConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;
import java.util.UUID;

/**
 * Signs and verifies access tokens: HS256 with the configured secret, {@code iss}/{@code aud}
 * checked, 5 s of clock skew tolerated, algorithm pinned by the single key.
 */
final class TokenIssuer {
  private static final int LEEWAY_SECONDS = 5;

  private final JWTAuth jwt;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;

  TokenIssuer(Vertx vertx, ApexConfig config) {
    issuer = config.string("auth.issuer");
    audience = config.string("auth.audience");
    ttlSeconds = config.integer("auth.access_ttl_seconds");
    jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.string("auth.jwt_secret")))
        .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(LEEWAY_SECONDS)));
  }

  int ttlSeconds() {
    return ttlSeconds;
  }

  String issue(String userId, String email, List<String> roles) {
    JsonObject claims = new JsonObject()
        .put("email", email)
        .put("roles", new JsonArray(roles))
        .put("jti", UUID.randomUUID().toString());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(List.of(audience))
        .setExpiresInSeconds(ttlSeconds));
  }

  Future<VerifiedUser> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("token rejected: " + e.getMessage())))
        .map(user -> {
          // vertx-auth keeps the verified claims in the user's attributes; the principal is a subset.
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          long expiresAt = claims.getLong("exp", user.attributes().getLong("exp", 0L));
          return new VerifiedUser(claims.getString("sub"), claims.getString("email"),
              claims.getJsonArray("roles", new JsonArray()).getList(), expiresAt);
        });
  }
}
