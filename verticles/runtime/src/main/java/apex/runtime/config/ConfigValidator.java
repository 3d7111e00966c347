package apex.runtime.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The rules a merged configuration must meet; each broken rule is one problem a person can act on. */
final class ConfigValidator {
  private ConfigValidator() {}

  static List<String> validate(ApexConfig c) {
    List<String> problems = new ArrayList<>();
    port(c, "http.port", 0, problems);
    port(c, "cluster.port", 1, problems);
    port(c, "cluster.eventbus_port", 0, problems);
    port(c, "metrics.port", 0, problems);
    port(c, "dev_services.pg_port", 1, problems);
    port(c, "dev_services.redis_port", 1, problems);
    positive(c, "pg.pool_size", problems);
    positive(c, "auth.access_ttl_seconds", problems);
    positive(c, "runs.timeout_ms", problems);
    positive(c, "runs.lease_ms", problems);
    positive(c, "runs.heartbeat_ms", problems);
    positive(c, "runs.sweep_ms", problems);
    positive(c, "runs.max_in_flight_per_node", problems);
    if (c.value("runs.heartbeat_ms") instanceof Number beat && c.value("runs.lease_ms") instanceof Number lease
        && beat.longValue() * 2 > lease.longValue()) {
      problems.add("runs.heartbeat_ms: must be at most half of runs.lease_ms (" + lease + "), so a lease outlives a late "
          + "heartbeat; got " + beat);
    }
    positive(c, "ws.ping_interval_seconds", problems);
    positive(c, "cluster.heartbeat_timeout_seconds", problems);
    range(c, "auth.ticket_ttl_seconds", 5, 300, problems);
    range(c, "ws.max_frame_bytes", 256, 65536, problems);
    range(c, "usage.max_upload_bytes", 1024, 512L * 1024 * 1024, problems);
    range(c, "usage.max_in_flight_per_node", 1, 64, problems);
    // breakers.default is complete; a named breaker overrides only the settings it lists.
    c.section("breakers").forEach(breaker -> ((io.vertx.core.json.JsonObject) breaker.getValue()).fieldNames()
        .forEach(setting -> {
          String path = "breakers." + breaker.getKey() + "." + setting;
          if (setting.equals("max_retries")) {
            range(c, path, 0, 10, problems);
          } else {
            positive(c, path, problems);
          }
        }));
    llm(c, problems);
    inspector(c, problems);
    if (!List.of("text", "json").contains(c.string("log.format"))) {
      problems.add("log.format: must be text or json, got '" + c.string("log.format") + "'");
    }
    if (c.flag("cluster.kubernetes.enabled") && c.string("cluster.kubernetes.service_name").isBlank()) {
      problems.add("cluster.kubernetes.service_name: name the headless service whose endpoints are the members");
    }
    if (c.strings("cluster.members").isEmpty() && c.flag("cluster.enabled")) {
      problems.add("cluster.members: list at least one member host when clustering is enabled");
    }

    String secret = c.string("auth.jwt_secret");
    String algorithm = c.string("auth.jwt_algorithm");
    if (algorithm.equals("HS256")) {
      if (secret.isBlank()) {
        problems.add("auth.jwt_secret: missing; set APEX_AUTH_JWT_SECRET (at least 32 bytes)");
      } else if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        problems.add("auth.jwt_secret: too short, at least 32 bytes are needed");
      }
    } else if (algorithm.equals("ES256")) {
      readable(c, "auth.jwt_public_key_file", true, problems);
      readable(c, "auth.jwt_private_key_file", false, problems);
    } else {
      problems.add("auth.jwt_algorithm: must be HS256 or ES256, got '" + algorithm + "'");
    }
    positive(c, "auth.refresh_ttl_seconds", problems);
    c.section("limits").fieldNames().forEach(limit -> positive(c, "limits." + limit, problems));
    url(c, "pg.url", "postgresql://", problems);
    url(c, "redis.url", "redis://", problems);
    if (!c.flag("dev_services.enabled")) {
      if (c.string("pg.url").isBlank()) {
        problems.add("pg.url: missing; set APEX_PG_URL, or enable dev_services (dev profile)");
      }
      if (c.string("redis.url").isBlank()) {
        problems.add("redis.url: missing; set APEX_REDIS_URL, or enable dev_services (dev profile)");
      }
    }
    if (c.flag("demo.seed") && (c.string("auth.demo_user.email").isBlank() || c.string("auth.demo_user.password").isBlank())) {
      problems.add("demo.seed: needs auth.demo_user.email and auth.demo_user.password");
    }
    if (c.flag("demo.seed") && !"dev".equals(c.profile())) {
      problems.add("demo.seed: only the dev profile seeds the demo user and data");
    }
    if ("prod".equals(c.profile())) {
      if (algorithm.equals("HS256") && (secret.contains(ApexConfig.DEV_JWT_SECRET_MARKER) || secret.startsWith("test-only"))) {
        problems.add("auth.jwt_secret: the prod profile refuses the dev/test default; set APEX_AUTH_JWT_SECRET");
      }
      if (c.flag("dev_services.enabled")) {
        problems.add("dev_services.enabled: the prod profile does not start embedded databases");
      }
    }
    return problems;
  }

  /** The optional LLM client: off by default; when on, it needs somewhere to send and a model to ask. */
  private static void llm(ApexConfig c, List<String> problems) {
    positive(c, "llm.timeout_ms", problems);
    range(c, "llm.max_tokens", 1, 8192, problems);
    String baseUrl = c.string("llm.base_url");
    if (!baseUrl.isBlank() && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      problems.add("llm.base_url: must start with http:// or https://, got '" + baseUrl + "'");
    }
    if (c.flag("llm.enabled")) {
      if (baseUrl.isBlank()) {
        problems.add("llm.base_url: missing; llm.enabled needs the chat-completions base URL (APEX_LLM_BASE_URL)");
      }
      if (c.string("llm.model").isBlank()) {
        problems.add("llm.model: missing; llm.enabled needs a model name (APEX_LLM_MODEL)");
      }
    }
  }

  /** The bridge: where it listens, and each permission names an address (or a regex) and the role it needs. */
  private static void inspector(ApexConfig c, List<String> problems) {
    port(c, "inspector.port", 0, problems);
    if (c.string("inspector.host").isBlank()) {
      problems.add("inspector.host: missing; 127.0.0.1 keeps the bridge on this machine");
    }
    for (String direction : List.of("inbound", "outbound")) {
      Object list = c.value("inspector." + direction);
      if (!(list instanceof io.vertx.core.json.JsonArray permissions)) {
        problems.add("inspector." + direction + ": must be a list of permissions");
        continue;
      }
      for (int i = 0; i < permissions.size(); i++) {
        String path = "inspector." + direction + "[" + i + "]";
        if (!(permissions.getValue(i) instanceof io.vertx.core.json.JsonObject p)) {
          problems.add(path + ": must be an object {address | address_regex, role}");
          continue;
        }
        if ((p.getValue("address") instanceof String) == (p.getValue("address_regex") instanceof String)) {
          problems.add(path + ": give exactly one of address and address_regex");
        } else if (p.getValue("address_regex") instanceof String regex) {
          try {
            java.util.regex.Pattern.compile(regex);
          } catch (java.util.regex.PatternSyntaxException e) {
            problems.add(path + ".address_regex: not a regular expression (" + e.getDescription() + ")");
          }
        }
        if (!List.of("admin", "operator").contains(String.valueOf(p.getValue("role")))) {
          problems.add(path + ".role: must be admin or operator, got '" + p.getValue("role") + "'");
        }
      }
    }
  }

  private static boolean isNumber(ApexConfig c, String path, List<String> problems) {
    if (!(c.value(path) instanceof Number)) {
      problems.add(path + ": must be a number");
      return false;
    }
    return true;
  }

  private static void port(ApexConfig c, String path, int min, List<String> problems) {
    range(c, path, min, 65535, problems);
  }

  private static void positive(ApexConfig c, String path, List<String> problems) {
    if (isNumber(c, path, problems) && c.number(path) <= 0) {
      problems.add(path + ": must be greater than 0, got " + c.number(path));
    }
  }

  private static void range(ApexConfig c, String path, long min, long max, List<String> problems) {
    if (isNumber(c, path, problems) && (c.number(path) < min || c.number(path) > max)) {
      problems.add(path + ": must be between " + min + " and " + max + ", got " + c.number(path));
    }
  }

  private static void readable(ApexConfig c, String path, boolean required, List<String> problems) {
    String file = c.string(path);
    if (file.isBlank()) {
      if (required) {
        problems.add(path + ": ES256 needs a PEM file");
      }
    } else if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
      problems.add(path + ": cannot read '" + file + "'");
    }
  }

  private static void url(ApexConfig c, String path, String scheme, List<String> problems) {
    String value = c.string(path);
    if (!value.isBlank() && !value.startsWith(scheme) && !(scheme.equals("postgresql://") && value.startsWith("postgres://"))) {
      problems.add(path + ": must start with " + scheme + ", got '" + value.replaceAll("//[^@]*@", "//***@") + "'");
    }
  }
}
