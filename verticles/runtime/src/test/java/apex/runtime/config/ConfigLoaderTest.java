package apex.runtime.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

  @Test
  void devProfileNeedsNothingButItsDefaults() {
    ApexConfig config = new ConfigLoader(Map.of()).load(null, Map.of());
    assertEquals("dev", config.profile());
    assertTrue(config.flag("dev_services.enabled"));
    assertEquals(8080, config.integer("http.port"));
    assertTrue(!config.nodeId().isBlank());
  }

  @Test
  void environmentAndFlagsOverrideInThatOrder() {
    ApexConfig config = new ConfigLoader(Map.of("APEX_HTTP_PORT", "9001", "APEX_PG_URL", "postgresql://a@h/db"))
        .load(null, Map.of("ws.max_frame_bytes", "4096"));
    assertEquals(9001, config.integer("http.port"));
    assertEquals("postgresql://a@h/db", config.string("pg.url"));
    assertEquals(4096, config.integer("ws.max_frame_bytes"));
    ApexConfig flagWins = new ConfigLoader(Map.of("APEX_HTTP_PORT", "9001")).load(null, Map.of("http.port", "9002"));
    assertEquals(9002, flagWins.integer("http.port"));
  }

  @Test
  void listsEveryProblemAtOnce(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"http\": {\"port\": \"eighty\"}, \"htp\": {\"port\": 1}, \"runs\": {\"timeout_ms\": -5, \"lease_ms\": 1000, \"heartbeat_ms\": 800, \"max_in_flight_per_node\": 0}}");
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(
        Map.of("APEX_AUTH_TICKET_TTL_SECONDS", "1000", "APEX_CLUSTER_ENABLED", "maybe")).load(file, Map.of()));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("http.port: must be a number"), all);
    assertTrue(all.contains("htp.port: unknown setting"), all);
    assertTrue(all.contains("runs.timeout_ms: must be greater than 0"), all);
    assertTrue(all.contains("auth.ticket_ttl_seconds: must be between 5 and 300"), all);
    assertTrue(all.contains("cluster.enabled: must be true or false"), all);
    assertTrue(all.contains("runs.heartbeat_ms: must be at most half of runs.lease_ms (1000)"), all);
    assertTrue(all.contains("runs.max_in_flight_per_node: must be greater than 0"), all);
    assertTrue(e.problems().size() >= 7, all);
  }

  @Test
  void prodRefusesDevDefaultsAndMissingServices() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConfigLoader(Map.of("APEX_PROFILE", "prod", "APEX_AUTH_JWT_SECRET", "short")).load(null, Map.of()));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("auth.jwt_secret: too short"), all);
    assertTrue(all.contains("pg.url: missing"), all);
    assertTrue(all.contains("redis.url: missing"), all);

    ConfigException dev = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of(
        "APEX_PROFILE", "prod", "APEX_AUTH_JWT_SECRET", "dev-only-jwt-secret-change-me-0123456789abcdef",
        "APEX_PG_URL", "postgresql://u:p@db/apex", "APEX_REDIS_URL", "redis://cache")).load(null, Map.of()));
    assertEquals(1, dev.problems().size(), dev.problems().toString());
    assertTrue(dev.problems().get(0).contains("refuses the dev/test default"));
  }

  @Test
  void unknownProfileIsAProblem() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new ConfigLoader(Map.of()).load(null, Map.of("profile", "staging")));
    assertTrue(e.problems().get(0).contains("unknown profile 'staging'"), e.problems().toString());
  }

  @Test
  void breakersAreConfigurablePerDependency(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("b.json");
    Files.writeString(file, "{\"breakers\": {\"optimizer\": {\"timeout_ms\": 900}, \"data\": {\"bogus\": 1}}}");
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file, Map.of()));
    assertEquals(1, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("breakers.data.bogus: unknown setting"));
  }
}
