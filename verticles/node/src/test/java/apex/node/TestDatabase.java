package apex.node;

import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The test's own look at PostgreSQL: a value to check, and a lock that makes the database slow on purpose. */
final class TestDatabase {
  private TestDatabase() {}

  static Connection connect(String pgUrl) throws SQLException {
    PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl);
    return DriverManager.getConnection("jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase(),
        pg.getUser(), pg.getPassword());
  }

  /** The first column of the first row of {@code sql}, or null. */
  static String value(String pgUrl, String sql) {
    try (Connection connection = connect(pgUrl); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }

  /** {@code sql}'s value becomes {@code expected} within 10 s: for work that follows the events a client sees. */
  static void awaitValue(String pgUrl, String expected, String sql) throws InterruptedException {
    String value = value(pgUrl, sql);
    for (int i = 0; i < 100 && !expected.equals(value); i++) {
      Thread.sleep(100);
      value = value(pgUrl, sql);
    }
    assertEquals(expected, value, sql);
  }

  /**
   * Holds an exclusive lock on the usage tables the analyses read (the hourly rollups, and the calls)
   * until closed, so every query of the users' usage (triage's coverage check first) waits: a run is
   * caught mid-stage, deterministically.
   */
  static AutoCloseable lockUsage(String pgUrl) {
    try {
      Connection connection = connect(pgUrl);
      connection.setAutoCommit(false);
      try (Statement lock = connection.createStatement()) {
        lock.execute("LOCK TABLE usage.usage_hourly, usage.usage_records IN ACCESS EXCLUSIVE MODE");
      }
      return () -> {
        connection.rollback();
        connection.close();
      };
    } catch (SQLException e) {
      throw new AssertionError("could not lock the usage tables: " + e.getMessage(), e);
    }
  }

  /**
   * Keeps the run's lease overdue for {@code how long} (set back every 50 ms, whatever its heartbeat
   * renews): what a supervisor whose heartbeats come late looks like to the sweepers.
   */
  static void holdLeaseOverdue(String pgUrl, String runId, Duration howLong) throws InterruptedException {
    long until = System.nanoTime() + howLong.toNanos();
    while (System.nanoTime() < until) {
      value(pgUrl, "UPDATE chat.runs SET lease_until = now() - interval '1 second' WHERE id = '" + runId
          + "' RETURNING id");
      Thread.sleep(50);
    }
  }
}
