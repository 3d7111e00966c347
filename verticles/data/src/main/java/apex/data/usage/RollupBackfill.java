package apex.data.usage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Rolls up the uploads stored before the rollups existed ({@code uploads.rolled_up = false}), one
 * upload per transaction, reading its calls through a cursor into the same {@link Rollups} an upload
 * builds as it is stored. Each upload is locked while it is rolled up, so data instances starting
 * together share the work instead of doing it twice.
 */
public final class RollupBackfill {
  private static final Logger LOG = LoggerFactory.getLogger(RollupBackfill.class);
  private static final int FETCH = 10_000;
  private static final String PENDING = "SELECT id FROM usage.uploads WHERE NOT rolled_up ORDER BY created_at";
  private static final String LOCK = "SELECT user_id FROM usage.uploads WHERE id = $1 AND NOT rolled_up"
      + " FOR UPDATE SKIP LOCKED";
  private static final String CALLS = """
      SELECT ts, provider, model, feature, request_id, input_tokens, cached_input_tokens, cache_write_tokens,
             output_tokens, reasoning_tokens, latency_ms, status, finish_reason, max_tokens, prompt_hash, batch,
             cost_usd::float8 AS cost_usd, end_user
        FROM usage.usage_records WHERE upload_id = $1""";

  private final Pool pool;

  public RollupBackfill(Pool pool) {
    this.pool = pool;
  }

  /** Completes with the number of uploads this instance rolled up. */
  public Future<Integer> run() {
    return pool.query(PENDING).execute().compose(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString("id")));
      Future<Integer> done = Future.succeededFuture(0);
      for (String id : ids) {
        done = done.compose(n -> pool.withTransaction(conn -> rollUp(conn, id)).map(rolled -> rolled ? n + 1 : n));
      }
      return done;
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("rolled up {} uploads stored before usage rollups existed", n);
      }
    });
  }

  private static Future<Boolean> rollUp(SqlConnection conn, String uploadId) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(uploadId)).compose(locked -> {
      if (locked.size() == 0) {
        return Future.succeededFuture(false);
      }
      String userId = locked.iterator().next().getString("user_id");
      Rollups rollups = new Rollups();
      return conn.prepare(CALLS)
          .compose(statement -> read(statement.cursor(Tuple.of(uploadId)), rollups))
          .compose(v -> rollups.write(conn, userId, uploadId))
          .map(true);
    });
  }

  private static Future<Void> read(Cursor cursor, Rollups rollups) {
    return cursor.read(FETCH).compose(rows -> {
      rows.forEach(r -> rollups.add(record(r)));
      return cursor.hasMore() ? read(cursor, rollups) : cursor.close();
    });
  }

  private static UsageRecord record(Row r) {
    return new UsageRecord(r.getOffsetDateTime("ts").toInstant(), r.getString("provider"), r.getString("model"),
        r.getString("feature"), r.getString("request_id"), r.getLong("input_tokens"),
        r.getLong("cached_input_tokens"), r.getLong("cache_write_tokens"), r.getLong("output_tokens"),
        r.getLong("reasoning_tokens"), r.getInteger("latency_ms"), r.getString("status"), r.getString("finish_reason"),
        r.getInteger("max_tokens"), r.getString("prompt_hash"), r.getBoolean("batch"), r.getDouble("cost_usd"),
        r.getString("end_user"));
  }
}
