package apex.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where apex-bus connects and with which token, first found wins: the command-line option, the
 * {@code APEX_BUS_*} environment variable, the config file ({@code APEX_BUS_CONFIG}, else
 * {@code ~/.config/apex-bus/config.json}: {@code {"host", "port", "token", "url"}}), then the saved
 * login ({@code apex-bus login}), then the defaults (127.0.0.1:7001, http://127.0.0.1:8080).
 */
final class Settings {
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 7001;
  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private final Map<String, String> env;
  private final JsonObject file;

  Settings(Map<String, String> env) {
    this.env = env;
    this.file = readConfig(configFile());
  }

  Path home() {
    String dir = env.get("APEX_BUS_HOME");
    return dir != null && !dir.isBlank() ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), ".config", "apex-bus");
  }

  private Path configFile() {
    String path = env.get("APEX_BUS_CONFIG");
    return path != null && !path.isBlank() ? Path.of(path) : home().resolve("config.json");
  }

  private static JsonObject readConfig(Path path) {
    if (!Files.isRegularFile(path)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException | DecodeException e) {
      throw new BusException("bad_config", "cannot read the config file " + path + ": " + e.getMessage());
    }
  }

  String host(String option) {
    return first(option, env.get("APEX_BUS_HOST"), file.getString("host"), DEFAULT_HOST);
  }

  int port(Integer option) {
    String value = first(option == null ? null : String.valueOf(option), env.get("APEX_BUS_PORT"),
        file.getValue("port") == null ? null : String.valueOf(file.getValue("port")), String.valueOf(DEFAULT_PORT));
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new BusException("usage", "the bridge port must be a number from 1 to 65535, got '" + value + "'");
    }
  }

  String url(String option) {
    return first(option, env.get("APEX_BUS_URL"), file.getString("url"), DEFAULT_URL);
  }

  /** The token from the option, environment or config file; null when none was given (the saved login is next). */
  String explicitToken(String option) {
    return first(option, env.get("APEX_BUS_TOKEN"), file.getString("token"), null);
  }

  boolean noColor(boolean option) {
    return option || env.containsKey("NO_COLOR");
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
