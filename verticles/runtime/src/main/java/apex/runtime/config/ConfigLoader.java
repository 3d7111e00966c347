package apex.runtime.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a node's configuration from, in rising precedence: {@code conf/apex.json} (the defaults,
 * which also define every known setting and its type), the profile overlay
 * {@code conf/apex-<profile>.json}, an optional file given with {@code --config}, {@code APEX_*}
 * environment variables ({@code pg.url} ← {@code APEX_PG_URL}), and {@code --set path=value} flags.
 * Every problem is collected and reported at once, before anything listens.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "conf/apex.json";

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /**
   * @param configFile optional extra JSON file (null for none)
   * @param overrides  {@code path → value} from the command line, applied last
   */
  public ApexConfig load(Path configFile, Map<String, String> overrides) {
    JsonObject defaults = readClasspath(DEFAULTS);
    if (defaults == null) {
      throw new ConfigException(List.of(DEFAULTS + " is not on the classpath"));
    }
    Map<String, Object> known = new LinkedHashMap<>();
    flatten("", defaults, known);

    String profile = firstNonBlank(overrides.get("profile"), env.get("APEX_PROFILE"), defaults.getString("profile"));
    JsonObject merged = defaults.copy();
    JsonObject overlay = readClasspath("conf/apex-" + profile + ".json");
    if (overlay == null) {
      problems.add("profile: unknown profile '" + profile + "' (no conf/apex-" + profile + ".json)");
    } else {
      mergeChecked(merged, overlay, "conf/apex-" + profile + ".json", known);
    }
    if (configFile != null) {
      JsonObject file = readFile(configFile);
      if (file != null) {
        mergeChecked(merged, file, configFile.toString(), known);
      }
    }
    known.forEach((path, defaultValue) -> {
      String value = env.get(envName(path));
      if (value != null) {
        put(merged, path, coerce(path, value, defaultValue, envName(path)));
      }
    });
    overrides.forEach((path, value) -> {
      String knownPath = knownPathFor(path, known);
      if (knownPath == null) {
        problems.add(path + ": unknown setting (from the command line)");
      } else {
        put(merged, path, coerce(path, value, known.get(knownPath), "--set " + path));
      }
    });
    put(merged, "profile", profile);
    if (merged.getJsonObject("node").getString("id", "").isBlank()) {
      put(merged, "node.id", UUID.randomUUID().toString());
    }
    problems.addAll(ConfigValidator.validate(ApexConfig.of(merged)));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return ApexConfig.of(merged);
  }

  /** {@code auth.jwt_secret} → {@code APEX_AUTH_JWT_SECRET}. */
  public static String envName(String path) {
    return "APEX_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "dev";
  }

  private JsonObject readClasspath(String resource) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      problems.add(resource + ": cannot be read (" + e.getMessage() + ")");
      return null;
    }
  }

  private JsonObject readFile(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      problems.add(file + ": cannot be read (" + e.getMessage() + ")");
      return null;
    }
  }

  private JsonObject parse(String text, String source) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      problems.add(source + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
      return null;
    }
  }

  private static void flatten(String prefix, JsonObject object, Map<String, Object> into) {
    object.forEach(e -> {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof JsonObject child && !child.isEmpty()) {
        flatten(path, child, into);
      } else {
        into.put(path, e.getValue());
      }
    });
  }

  /** Merges {@code overlay} into {@code target}, refusing settings the defaults do not know. */
  private void mergeChecked(JsonObject target, JsonObject overlay, String source, Map<String, Object> known) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", overlay, flat);
    flat.forEach((path, value) -> {
      String knownPath = knownPathFor(path, known);
      if (knownPath == null) {
        problems.add(path + ": unknown setting (in " + source + ")");
      } else if (!sameType(value, known.get(knownPath))) {
        problems.add(path + ": must be " + typeName(known.get(knownPath)) + " (in " + source + ")");
      } else {
        put(target, path, value);
      }
    });
  }

  /** Breakers are named per dependency; each one takes the settings of {@code breakers.default}. */
  private static String knownPathFor(String path, Map<String, Object> known) {
    if (known.containsKey(path)) {
      return path;
    }
    if (path.startsWith("breakers.")) {
      String[] parts = path.split("\\.");
      String candidate = parts.length == 3 ? "breakers.default." + parts[2] : null;
      return candidate != null && known.containsKey(candidate) ? candidate : null;
    }
    return null;
  }

  private static boolean sameType(Object value, Object defaultValue) {
    if (defaultValue == null || value == null) {
      return true;
    }
    if (defaultValue instanceof Number) {
      return value instanceof Number;
    }
    return defaultValue.getClass() == value.getClass();
  }

  private static String typeName(Object value) {
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "true or false";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    return "a string";
  }

  private Object coerce(String path, String raw, Object defaultValue, String source) {
    if (defaultValue instanceof Number) {
      try {
        return Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        problems.add(path + ": must be a whole number, got '" + raw + "' (from " + source + ")");
        return defaultValue;
      }
    }
    if (defaultValue instanceof Boolean) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        problems.add(path + ": must be true or false, got '" + raw + "' (from " + source + ")");
        return defaultValue;
      }
      return Boolean.parseBoolean(v);
    }
    if (defaultValue instanceof JsonArray) {
      JsonArray list = new JsonArray();
      for (String item : raw.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      return list;
    }
    return raw;
  }

  private static void put(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject current = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = current.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        current.put(parts[i], next);
      }
      current = next;
    }
    current.put(parts[parts.length - 1], value);
  }
}
