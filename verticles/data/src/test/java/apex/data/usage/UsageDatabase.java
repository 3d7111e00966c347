package apex.data.usage;

import apex.runtime.TestServices;
import apex.runtime.config.ApexConfig;
import apex.runtime.storage.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The shared test PostgreSQL with the usage migrations applied, a reactive pool and the usage writer on it, for one test class. */
public final class UsageDatabase implements AutoCloseable {

  private final Vertx vertx;
  private final Pool pool;
  private final Postgres.Jdbc jdbc;

  private UsageDatabase(Vertx vertx, Pool pool, Postgres.Jdbc jdbc) {
    this.vertx = vertx;
    this.pool = pool;
    this.jdbc = jdbc;
  }

  public static UsageDatabase start(Vertx vertx) {
    ApexConfig config = TestServices.config();
    Postgres.migrate(vertx, config, "usage").await();
    return new UsageDatabase(vertx, Postgres.pool(vertx, config), Postgres.jdbc(config));
  }

  public Pool pool() {
    return pool;
  }

  public UsageWriter writer() {
    return new UsageWriter(vertx, jdbc);
  }

  public RollupBackfill backfill() {
    return new RollupBackfill(vertx, jdbc);
  }

  /** A single number from {@code sql} with {@code $1} bound to {@code userId}. */
  public Future<Long> count(String sql, String userId) {
    return pool.preparedQuery(sql).execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public void close() {
    pool.close().await();
  }
}
