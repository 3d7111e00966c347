package apex.runtime.tap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * What the tap never shows: the value of any field or header whose name says it holds a credential
 * (token, password, ticket, secret, authorization, cookie, api key), at any depth.
 */
public final class Redaction {
  public static final String REDACTED = "[redacted]";
  private static final String[] SECRET_WORDS = {"token", "password", "ticket", "secret", "authorization", "cookie",
      "api_key", "apikey"};

  private Redaction() {}

  public static boolean isSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** A redacted copy of a JSON value (object, array or scalar). */
  public static Object redact(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> field : object) {
        copy.put(field.getKey(), isSecret(field.getKey()) && field.getValue() != null ? REDACTED : redact(field.getValue()));
      }
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(redact(item)));
      return copy;
    }
    return value;
  }
}
