package apex.runtime;

import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigLoader;
import apex.runtime.devservices.DevServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Real PostgreSQL and Redis for a test JVM, started once and shared; and the test profile's config
 * pointed at them. Each call to {@link #config} gets a fresh node id and cluster name.
 */
public final class TestServices {
  private static DevServices services;

  private TestServices() {}

  public static synchronized DevServices services() {
    if (services == null) {
      try {
        services = DevServices.startEphemeral();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(services::close));
    }
    return services;
  }

  /** The test profile against the shared services, with {@code path=value} overrides. */
  public static ApexConfig config(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>();
    all.put("profile", "test");
    all.put("pg.url", services().pgUrl());
    all.put("redis.url", services().redisUrl());
    all.put("cluster.name", "apex-test-" + UUID.randomUUID());
    // Every test connects from 127.0.0.1 and the buckets live in the shared Redis: without this the
    // sign-ups of one test class would lock the next one out. Tests of the IP limit override it.
    all.put("limits.login_ip_burst", "100000");
    all.put("limits.login_ip_per_minute", "100000");
    // The inspector's bridge on any free port, so test nodes never collide with each other or a running apex.
    all.put("inspector.port", "0");
    all.putAll(overrides);
    return new ConfigLoader(Map.of()).load(null, all);
  }

  public static ApexConfig config() {
    return config(Map.of());
  }
}
