package apex.auth;

import apex.contracts.ErrorCode;
import apex.contracts.auth.VerifiedUser;
import apex.runtime.config.ApexConfig;
import apex.runtime.security.JwtKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Signs and verifies access tokens with the configured key only (HS256 secret or ES256 PEM), so a
 * token signed any other way (another algorithm, {@code alg: none}, HS256 keyed with the public
 * key) is refused. {@code iss}, {@code aud} and {@code exp} are checked with 5 s of clock skew.
 */
final class TokenIssuer {
  private static final int LEEWAY_SECONDS = 5;

  private final JWTAuth jwt;
  private final String algorithm;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;

  TokenIssuer(Vertx vertx, ApexConfig config) {
    algorithm = JwtKeys.algorithm(config);
    issuer = config.string("auth.issuer");
    audience = config.string("auth.audience");
    ttlSeconds = config.integer("auth.access_ttl_seconds");
    jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .setPubSecKeys(JwtKeys.keys(config))
        .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(LEEWAY_SECONDS)));
  }

  int ttlSeconds() {
    return ttlSeconds;
  }

  /** An access token of login session {@code sid} (its refresh family), so a logout can end them all. */
  String issue(String userId, String email, List<String> roles, String sid) {
    JsonObject claims = new JsonObject()
        .put("email", email)
        .put("sid", sid)
        .put("roles", new JsonArray(roles))
        .put("jti", UUID.randomUUID().toString());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(algorithm)
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(List.of(audience))
        .setExpiresInSeconds(ttlSeconds));
  }

  /** Signature, algorithm, issuer, audience and expiry; revocation is checked by the caller. */
  Future<VerifiedUser> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> {
          String reason = String.valueOf(e.getMessage());
          ErrorCode code = reason.toLowerCase(Locale.ROOT).contains("expired") ? ErrorCode.TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED;
          return Future.failedFuture(code.failure("token rejected: " + reason));
        })
        .compose(user -> {
          // vertx-auth keeps the verified claims in the user's attributes; the principal is a subset.
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          String sub = claims.getString("sub");
          String jti = claims.getString("jti");
          String sid = claims.getString("sid");
          if (sub == null || jti == null || sid == null) {
            return Future.failedFuture(ErrorCode.UNAUTHORIZED.failure("token rejected: sub, jti and sid are required"));
          }
          long expiresAt = claims.getLong("exp", user.attributes().getLong("exp", 0L));
          return Future.succeededFuture(new VerifiedUser(sub, claims.getString("email"),
              claims.getJsonArray("roles", new JsonArray()).getList(), expiresAt, jti, sid));
        });
  }
}
