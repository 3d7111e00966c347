package apex.runtime.tap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {

  @Test
  void credentialsAreSecretWhateverTheirSpelling() {
    for (String name : new String[] {"token", "access_token", "refreshToken", "Authorization", "X-Api-Key", "api_key",
        "apikey", "password", "passwordHash", "apex-ticket", "client_secret", "Set-Cookie", "jwt", "credentials"}) {
      assertTrue(Redaction.isSecret(name), name);
    }
  }

  @Test
  void tokenCountsAndOtherUsageStayVisible() {
    for (String name : new String[] {"input_tokens", "cached_input_tokens", "max_tokens", "outputTokens",
        "rows_without_tokens", "cost_usd", "prompt_hash", "keyboard", "apiary"}) {
      assertFalse(Redaction.isSecret(name), name);
    }
  }

  @Test
  void redactsAtAnyDepthAndKeepsTheRest() {
    JsonObject body = new JsonObject().put("user", new JsonObject().put("password", "hunter2").put("email", "a@b.c"))
        .put("calls", new JsonArray().add(new JsonObject().put("input_tokens", 1200).put("access_token", "eyJ")));
    assertEquals(new JsonObject().put("user", new JsonObject().put("password", Redaction.REDACTED).put("email", "a@b.c"))
            .put("calls", new JsonArray().add(new JsonObject().put("input_tokens", 1200)
                .put("access_token", Redaction.REDACTED))),
        Redaction.redact(body));
  }
}
