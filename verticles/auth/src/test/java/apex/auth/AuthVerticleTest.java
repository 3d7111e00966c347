package apex.auth;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.auth.Credentials;
import apex.runtime.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class AuthVerticleTest {

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    // The dev profile: the only one that seeds the demo user.
    vertx.deployVerticle(new AuthVerticle(), new DeploymentOptions().setConfig(
            TestServices.config(java.util.Map.of("profile", "dev")).json()))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  private static String email() {
    return "user-" + UUID.randomUUID() + "@example.com";
  }

  @Test
  void signupLoginVerifyAndSingleUseTicket(Vertx vertx, VertxTestContext ctx) {
    String email = email();
    JsonObject creds = new Credentials(email, "correct horse battery").toJson();
    ask(vertx, Addresses.AUTH_SIGNUP, creds)
        .compose(signup -> ask(vertx, Addresses.AUTH_LOGIN, creds))
        .compose(login -> {
          assertTrue(Schemas.get().problems(Schemas.TOKEN_RESPONSE, login).isEmpty(), login.encode());
          return ask(vertx, Addresses.AUTH_VERIFY, new JsonObject().put("token", login.getString("access_token")));
        })
        .compose(user -> {
          assertEquals(email, user.getString("email"));
          return ask(vertx, Addresses.AUTH_TICKET_ISSUE, new JsonObject().put("user", user));
        })
        .compose(ticket -> ask(vertx, Addresses.AUTH_TICKET_REDEEM, new JsonObject().put("token", ticket.getString("ticket")))
            .compose(first -> {
              assertEquals(email, first.getString("email"));
              return ask(vertx, Addresses.AUTH_TICKET_REDEEM, new JsonObject().put("token", ticket.getString("ticket")));
            }))
        .onComplete(ctx.failing(second -> ctx.verify(() -> {
          assertEquals(ErrorCode.TICKET_INVALID, ErrorCode.of(second));
          ctx.completeNow();
        })));
  }

  @Test
  void unknownEmailAndWrongPasswordGetTheSameAnswer(Vertx vertx, VertxTestContext ctx) {
    String email = email();
    ask(vertx, Addresses.AUTH_SIGNUP, new Credentials(email, "correct horse battery").toJson())
        .compose(s -> ask(vertx, Addresses.AUTH_LOGIN, new Credentials(email, "wrong password!!").toJson())
            .transform(wrong -> ask(vertx, Addresses.AUTH_LOGIN, new Credentials(email(), "whatever123").toJson())
                .transform(unknown -> {
                  assertTrue(wrong.failed() && unknown.failed());
                  assertEquals(ErrorCode.INVALID_CREDENTIALS, ErrorCode.of(wrong.cause()));
                  assertEquals(wrong.cause().getMessage(), unknown.cause().getMessage());
                  return Future.succeededFuture();
                })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void signupRefusesWeakPasswordsBadEmailsAndDuplicates(Vertx vertx, VertxTestContext ctx) {
    String email = email();
    ask(vertx, Addresses.AUTH_SIGNUP, new Credentials(email, "short").toJson())
        .transform(weak -> {
          assertEquals(ErrorCode.VALIDATION_FAILED, ErrorCode.of(weak.cause()));
          assertTrue(weak.cause().getMessage().startsWith("password:"));
          return ask(vertx, Addresses.AUTH_SIGNUP, new Credentials("not-an-email", "long enough pw").toJson());
        })
        .transform(bad -> {
          assertTrue(bad.cause().getMessage().startsWith("email:"));
          return ask(vertx, Addresses.AUTH_SIGNUP, new Credentials(email, "long enough pw").toJson());
        })
        .compose(ok -> ask(vertx, Addresses.AUTH_SIGNUP, new Credentials(email.toUpperCase(), "long enough pw").toJson()))
        .onComplete(ctx.failing(dup -> ctx.verify(() -> {
          assertEquals(ErrorCode.CONFLICT, ErrorCode.of(dup));
          ctx.completeNow();
        })));
  }

  @Test
  void forgedTokenIsRejected(Vertx vertx, VertxTestContext ctx) {
    String forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.";
    ask(vertx, Addresses.AUTH_VERIFY, new JsonObject().put("token", forged))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals(ErrorCode.UNAUTHORIZED, ErrorCode.of(e));
          ctx.completeNow();
        })));
  }

  @Test
  void demoUserIsSeededAndCanLogIn(Vertx vertx, VertxTestContext ctx) {
    ask(vertx, Addresses.AUTH_LOGIN, new Credentials("demo@apex.dev", "apex-demo-2026").toJson())
        .onComplete(ctx.succeeding(t -> ctx.verify(() -> {
          assertTrue(t.getString("access_token").split("\\.").length == 3);
          ctx.completeNow();
        })));
  }
}
