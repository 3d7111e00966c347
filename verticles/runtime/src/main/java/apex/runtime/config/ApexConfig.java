package apex.runtime.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The validated configuration of a node, read by dotted path ({@code "auth.jwt_secret"}). It is
 * handed to every verticle as its deployment config, so {@link #of(JsonObject)} rebuilds it there.
 */
public final class ApexConfig {
  public static final String DEV_JWT_SECRET_MARKER = "dev-only";

  private final JsonObject json;

  private ApexConfig(JsonObject json) {
    this.json = json;
  }

  public static ApexConfig of(JsonObject json) {
    return new ApexConfig(json);
  }

  public JsonObject json() {
    return json;
  }

  public Object value(String path) {
    Object current = json;
    for (String part : path.split("\\.")) {
      if (!(current instanceof JsonObject object)) {
        return null;
      }
      current = object.getValue(part);
    }
    return current;
  }

  public String string(String path) {
    Object value = value(path);
    return value == null ? "" : value.toString();
  }

  public int integer(String path) {
    return ((Number) value(path)).intValue();
  }

  public long number(String path) {
    return ((Number) value(path)).longValue();
  }

  public boolean flag(String path) {
    return Boolean.TRUE.equals(value(path));
  }

  public JsonObject section(String path) {
    Object value = value(path);
    return value instanceof JsonObject object ? object : new JsonObject();
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String path) {
    Object value = value(path);
    return value instanceof JsonArray array ? (List<String>) (List<?>) array.getList() : List.of();
  }

  public String profile() {
    return string("profile");
  }

  public String nodeId() {
    return string("node.id");
  }
}
