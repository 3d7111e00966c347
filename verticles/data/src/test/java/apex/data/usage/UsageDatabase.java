package apex.data.usage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;

/** A real PostgreSQL with the usage migrations applied, and a reactive pool on it, for one test class. */
public final class UsageDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final Pool pool;

  private UsageDatabase(EmbeddedPostgres postgres, Pool pool) {
    this.postgres = postgres;
    this.pool = pool;
  }

  public static UsageDatabase start(Vertx vertx) throws IOException {
    EmbeddedPostgres postgres = EmbeddedPostgres.start();
    Flyway.configure()
        .dataSource(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")
        .schemas("usage")
        .locations("classpath:db/migration/usage")
        .load()
        .migrate();
    Pool pool = PgBuilder.pool()
        .connectingTo(new PgConnectOptions().setHost("localhost").setPort(postgres.getPort())
            .setDatabase("postgres").setUser("postgres").setPassword("postgres"))
        .with(new PoolOptions().setMaxSize(4))
        .using(vertx)
        .build();
    return new UsageDatabase(postgres, pool);
  }

  public Pool pool() {
    return pool;
  }

  /** A single number from {@code sql} with {@code $1} bound to {@code userId}. */
  public Future<Long> count(String sql, String userId) {
    return pool.preparedQuery(sql).execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  @Override
  public void close() throws IOException {
    pool.close().await();
    postgres.close();
  }
}
