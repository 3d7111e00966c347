package apex.runtime.tap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the tap never shows: the value of any field or header whose name says it holds a credential,
 * at any depth. A name is read as words ({@code access_token}, {@code refreshToken},
 * {@code X-Api-Key}); it is a credential when a word is token, password, passwd, ticket, secret,
 * authorization, cookie, jwt, credential(s) or apikey, or two words say api key. Counts of tokens
 * ({@code input_tokens}, {@code max_tokens}) are usage, not credentials, and stay visible.
 */
public final class Redaction {
  public static final String REDACTED = "[redacted]";
  private static final Set<String> SECRET_WORDS = Set.of("token", "password", "passwd", "ticket", "secret",
      "authorization", "cookie", "jwt", "credential", "credentials", "apikey");

  private Redaction() {}

  public static boolean isSecret(String name) {
    List<String> words = List.of(name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
        .split("[^a-z0-9]+"));
    for (int i = 0; i < words.size(); i++) {
      if (SECRET_WORDS.contains(words.get(i))
          || words.get(i).equals("api") && i + 1 < words.size() && words.get(i + 1).equals("key")) {
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
