package apex.data.demo;

import apex.contracts.Addresses;
import apex.contracts.auth.UserLookup;
import apex.data.usage.AggregateCache;
import apex.data.usage.UsageWriter;
import apex.runtime.bus.BusCalls;
import apex.runtime.config.ApexConfig;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Dev profile: gives the demo user a few weeks of generated usage ending today, once. The user id
 * comes from auth over the bus (auth may still be starting, so it is asked again for a while); a
 * Redis lock keeps two data instances from seeding twice.
 */
public final class DemoSeeder {
  private static final Logger LOG = LoggerFactory.getLogger(DemoSeeder.class);
  private static final int LOOKUP_ATTEMPTS = 30;
  private static final long LOOKUP_INTERVAL_MS = 1000;

  private final Vertx vertx;
  private final ApexConfig config;
  private final BusCalls calls;
  private final RedisAPI redis;
  private final AggregateCache cache;
  private final Pool pool;
  private final UsageWriter writer;
  private final PricingCatalog catalog;

  public DemoSeeder(Vertx vertx, ApexConfig config, BusCalls calls, RedisAPI redis, AggregateCache cache, Pool pool,
                    UsageWriter writer, PricingCatalog catalog) {
    this.catalog = catalog;
    this.vertx = vertx;
    this.config = config;
    this.calls = calls;
    this.redis = redis;
    this.cache = cache;
    this.pool = pool;
    this.writer = writer;
  }

  /** Completes when seeded, already seeded, or given up on (logged); never fails the deployment. */
  public Future<Void> seed() {
    String email = config.string("auth.demo_user.email");
    return demoUserId(email, 1)
        .compose(userId -> redis.set(List.of("apex:demo-seed:" + userId, config.nodeId(), "NX", "EX", "600"))
            .compose(lock -> lock == null ? Future.succeededFuture() : seedIfEmpty(userId)))
        .recover(e -> {
          LOG.warn("demo data not seeded: {}", e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<String> demoUserId(String email, int attempt) {
    return calls.request("auth", Addresses.AUTH_USER_LOOKUP, new UserLookup(email, null).toJson(), new DeliveryOptions())
        .map(found -> found.getString("user_id"))
        .recover(e -> {
          if (attempt >= LOOKUP_ATTEMPTS) {
            return Future.failedFuture("demo user " + email + " not found: " + e.getMessage());
          }
          Promise<String> later = Promise.promise();
          vertx.setTimer(LOOKUP_INTERVAL_MS, t -> demoUserId(email, attempt + 1).onComplete(later));
          return later.future();
        });
  }

  private Future<Void> seedIfEmpty(String userId) {
    return pool.preparedQuery("SELECT coalesce(sum(rows), 0) AS n FROM usage.uploads WHERE user_id = $1")
        .execute(Tuple.of(userId))
        .compose(rows -> rows.iterator().next().getLong("n") > 0
            ? Future.succeededFuture()
            : vertx.executeBlocking(() -> generate())
                .compose(demo -> writer.write(userId, "demo", "demo", demo.records())
                    .onSuccess(upload -> LOG.info("seeded {} demo usage rows for {}: ${} a month, planted savings ${}"
                        + " a month", upload.rows(), userId, Math.round(demo.manifest().monthlySpendUsd()),
                        Math.round(demo.manifest().planted().stream().mapToDouble(PlantedSaving::monthlySavingsUsd)
                            .sum())))
                .compose(upload -> cache.bump(userId)))
                .mapEmpty());
  }

  private DemoUsage generate() {
    int days = config.integer("demo.days");
    return new DemoUsageGenerator().generate(config.number("demo.seed_value"), days,
        days * config.integer("demo.rows_per_day"), LocalDate.now(ZoneOffset.UTC), catalog);
  }

}
