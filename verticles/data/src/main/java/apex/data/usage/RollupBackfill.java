package apex.data.usage;

import apex.runtime.storage.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rolls up the uploads stored before the rollups existed ({@code uploads.rolled_up = false}), one
 * upload per transaction, reading its calls in batches into the same {@link Rollups} an upload builds
 * as it is stored. Each upload is locked while it is rolled up, so data instances starting together
 * share the work instead of doing it twice. Runs on a worker thread of its own: a large history takes
 * a while, and nothing else waits on that thread.
 */
public final class RollupBackfill {
  private static final Logger LOG = LoggerFactory.getLogger(RollupBackfill.class);
  private static final int FETCH = 10_000;
  private static final String PENDING = "SELECT id FROM usage.uploads WHERE NOT rolled_up ORDER BY created_at";
  private static final String LOCK = "SELECT user_id FROM usage.uploads WHERE id = ? AND NOT rolled_up"
      + " FOR UPDATE SKIP LOCKED";
  private static final String CALLS = """
      SELECT ts, provider, model, feature, request_id, input_tokens, cached_input_tokens, cache_write_tokens,
             output_tokens, reasoning_tokens, latency_ms, status, finish_reason, max_tokens, prompt_hash, batch,
             cost_usd::float8 AS cost_usd, end_user
        FROM usage.usage_records WHERE upload_id = ?""";

  private final Vertx vertx;
  private final Postgres.Jdbc jdbc;

  public RollupBackfill(Vertx vertx, Postgres.Jdbc jdbc) {
    this.vertx = vertx;
    this.jdbc = jdbc;
  }

  /** Completes with the number of uploads this instance rolled up. */
  public Future<Integer> run() {
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("apex-rollup-backfill", 1, 1, TimeUnit.HOURS);
    return worker.executeBlocking(() -> {
      try (Connection conn = jdbc.connect()) {
        conn.setAutoCommit(false);
        int rolledUp = 0;
        for (String uploadId : pending(conn)) {
          rolledUp += rollUp(conn, uploadId) ? 1 : 0;
          conn.commit();
        }
        if (rolledUp > 0) {
          LOG.info("rolled up {} uploads stored before usage rollups existed", rolledUp);
        }
        return rolledUp;
      }
    }).onComplete(done -> worker.close());
  }

  private static List<String> pending(Connection conn) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement query = conn.prepareStatement(PENDING); ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString("id"));
      }
    }
    conn.commit();
    return ids;
  }

  private static boolean rollUp(Connection conn, String uploadId) throws SQLException {
    String userId;
    try (PreparedStatement lock = conn.prepareStatement(LOCK)) {
      lock.setString(1, uploadId);
      try (ResultSet locked = lock.executeQuery()) {
        if (!locked.next()) {
          return false;
        }
        userId = locked.getString("user_id");
      }
    }
    Rollups rollups = new Rollups();
    try (PreparedStatement calls = conn.prepareStatement(CALLS)) {
      calls.setString(1, uploadId);
      calls.setFetchSize(FETCH);
      try (ResultSet rows = calls.executeQuery()) {
        while (rows.next()) {
          UsageRecord call = record(rows);
          rollups.add(call, Rollups.micros(call.costUsd()));
        }
      }
    }
    rollups.write(conn, userId, uploadId);
    return true;
  }

  private static UsageRecord record(ResultSet r) throws SQLException {
    return new UsageRecord(r.getTimestamp("ts").toInstant(), r.getString("provider"), r.getString("model"),
        r.getString("feature"), r.getString("request_id"), r.getLong("input_tokens"),
        r.getLong("cached_input_tokens"), r.getLong("cache_write_tokens"), r.getLong("output_tokens"),
        r.getLong("reasoning_tokens"), r.getObject("latency_ms", Integer.class), r.getString("status"),
        r.getString("finish_reason"), r.getObject("max_tokens", Integer.class), r.getString("prompt_hash"),
        r.getBoolean("batch"), r.getObject("cost_usd", Double.class), r.getString("end_user"));
  }
}
