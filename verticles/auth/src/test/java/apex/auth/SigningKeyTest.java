package apex.auth;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.auth.Credentials;
import apex.runtime.TestServices;
import apex.runtime.config.ApexConfig;
import apex.runtime.security.JwtKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ES256 from PEM files: tokens verify, and no other algorithm or key is accepted in their place. */
@ExtendWith(VertxExtension.class)
class SigningKeyTest {
  @TempDir
  static Path keys;
  static String publicPem;
  static ApexConfig config;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    Files.writeString(keys.resolve("public.pem"), publicPem);
    Files.writeString(keys.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    config = TestServices.config(Map.of("auth.jwt_algorithm", "ES256", "auth.jwt_secret", "",
        "auth.jwt_public_key_file", keys.resolve("public.pem").toString(),
        "auth.jwt_private_key_file", keys.resolve("private.pem").toString()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  @Test
  void es256TokensVerifyAndConfusedOrUnsignedOnesDoNot(Vertx vertx, VertxTestContext ctx) {
    Credentials credentials = new Credentials("es-" + UUID.randomUUID() + "@example.com", "correct horse battery");
    // HS256 keyed with the public key's PEM text: the classic algorithm-confusion forgery.
    String confused = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(publicPem)))
        .generateToken(new JsonObject().put("jti", "x").put("email", "evil@example.com"),
            new JWTOptions().setAlgorithm("HS256").setSubject("admin").setIssuer("apex").setAudience(List.of("apex-web"))
                .setExpiresInSeconds(60));
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(config.json()))
        .compose(id -> ask(vertx, Addresses.AUTH_SIGNUP, credentials.toJson()))
        .compose(session -> {
          String token = session.getString("access_token");
          assertTrue(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0])).contains("ES256"), token);
          String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
              + "." + token.split("\\.")[1] + ".";
          return ask(vertx, Addresses.AUTH_VERIFY, new JsonObject().put("token", token))
              .compose(user -> ask(vertx, Addresses.AUTH_VERIFY, new JsonObject().put("token", confused))
                  .transform(forged -> {
                    assertTrue(forged.failed(), "HS256 signed with the public key is refused");
                    assertEquals(ErrorCode.UNAUTHORIZED, ErrorCode.of(forged.cause()));
                    return ask(vertx, Addresses.AUTH_VERIFY, new JsonObject().put("token", none));
                  }));
        })
        .onComplete(ctx.failing(unsigned -> ctx.verify(() -> {
          assertEquals(ErrorCode.UNAUTHORIZED, ErrorCode.of(unsigned));
          ctx.completeNow();
        })));
  }

  @Test
  void theKeyFingerprintIsPublishedInDiscovery(Vertx vertx, VertxTestContext ctx) {
    String expected = JwtKeys.fingerprint(config);
    assertTrue(expected.matches("sha256:[0-9a-f]{16}"), expected);
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(config.json()))
        .compose(id -> ServiceDiscovery.create(vertx).getRecords(r -> "auth".equals(r.getName())))
        .onComplete(ctx.succeeding(records -> ctx.verify(() -> {
          assertEquals(1, records.size());
          assertEquals(expected, records.get(0).getMetadata().getString("jwt_key_fingerprint"));
          ctx.completeNow();
        })));
  }
}
