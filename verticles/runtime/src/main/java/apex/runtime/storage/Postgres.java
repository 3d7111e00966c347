package apex.runtime.storage;

import apex.runtime.config.ApexConfig;
import apex.contracts.ContractException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * PostgreSQL for a verticle that owns tables: a reactive pool, and the owner's Flyway migrations
 * (one schema per owner, scripts under {@code classpath:db/migration/<owner>}) run at its start.
 */
public final class Postgres {
  static final int MAX_WAITING = 2048;

  private Postgres() {}

  public static Pool pool(Vertx vertx, ApexConfig config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.string("pg.url"));
    return PgBuilder.pool()
        .connectingTo(connect)
        // Queries beyond the pool wait in a bounded queue instead of failing under a burst of runs.
        .with(new PoolOptions().setMaxSize(config.integer("pg.pool_size")).setMaxWaitQueueSize(MAX_WAITING))
        .using(vertx)
        .build();
  }

  /** The same database for JDBC: Flyway, and bulk loads through COPY, which the reactive client lacks. */
  public record Jdbc(String url, String user, String password) {
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }
  }

  public static Jdbc jdbc(ApexConfig config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.string("pg.url"));
    return new Jdbc("jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase(),
        connect.getUser(), connect.getPassword());
  }

  /**
   * True when a failure means PostgreSQL could not be reached or is going away (connection refused
   * or closed, no connection in time, the server shutting down or out of connections), as opposed to
   * a query it refused or a business answer.
   */
  public static boolean isUnreachable(Throwable failure) {
    if (failure instanceof DatabaseException db) {
      String state = db.getSqlState() == null ? "" : db.getSqlState();
      return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
    }
    return !(failure instanceof ReplyException) && !(failure instanceof ContractException)
        && (failure instanceof VertxException || failure instanceof IOException || failure instanceof IllegalStateException);
  }

  /** Runs the owner's migrations off the event loop; concurrent instances serialize on Flyway's lock. */
  public static Future<Void> migrate(Vertx vertx, ApexConfig config, String owner) {
    Jdbc jdbc = jdbc(config);
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
          .schemas(owner)
          .createSchemas(true)
          .locations("classpath:db/migration/" + owner)
          .load()
          .migrate();
      return null;
    });
  }
}
