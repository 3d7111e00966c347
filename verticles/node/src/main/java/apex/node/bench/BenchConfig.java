package apex.node.bench;

import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigLoader;
import apex.runtime.devservices.DevServices;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A benchmark's config: the test profile against its own throw-away databases, local bus. */
final class BenchConfig {
  private BenchConfig() {}

  /** {@code overrides} ({@code path=value}) go over the test profile. */
  static ApexConfig of(DevServices services, Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>();
    all.put("profile", "test");
    all.put("pg.url", services.pgUrl());
    all.put("redis.url", services.redisUrl());
    all.put("cluster.name", "apex-bench-" + UUID.randomUUID());
    all.putAll(overrides);
    return new ConfigLoader(Map.of()).load(null, all);
  }
}
