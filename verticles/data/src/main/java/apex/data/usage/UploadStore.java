package apex.data.usage;

import apex.contracts.ErrorCode;
import apex.contracts.usage.UploadSummary;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A user's uploads: what each held, listed newest first, and deleted with all their rows. */
public final class UploadStore {
  private static final String SUMMARY = """
      SELECT id, source, format, rows, created_at, fields, first_ts, last_ts, round(cost_usd, 6)::float8 AS cost_usd,
             unpriced
        FROM usage.uploads WHERE user_id = $1 %s ORDER BY created_at DESC""";

  private final Pool pool;

  public UploadStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<UploadSummary>> list(String userId) {
    return pool.preparedQuery(SUMMARY.formatted("")).execute(Tuple.of(userId)).map(rows -> {
      List<UploadSummary> list = new ArrayList<>();
      rows.forEach(row -> list.add(summary(row)));
      return list;
    });
  }

  public Future<UploadSummary> get(String userId, String uploadId) {
    return pool.preparedQuery(SUMMARY.formatted("AND id = $2")).execute(Tuple.of(userId, uploadId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("upload not found: " + uploadId))
            : Future.succeededFuture(summary(rows.iterator().next())));
  }

  /**
   * Deletes the upload and its rows (its rollups go with it, by foreign key); not found unless it is
   * this user's. The calls have no foreign key to their upload (V5__rollups.sql), so they are deleted
   * here, in the same transaction.
   */
  public Future<Void> delete(String userId, String uploadId) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM usage.uploads WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(uploadId, userId))
        .compose(result -> result.rowCount() == 0
            ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("upload not found: " + uploadId))
            : conn.preparedQuery("DELETE FROM usage.usage_records WHERE upload_id = $1").execute(Tuple.of(uploadId))
                .<Void>mapEmpty()));
  }

  private static UploadSummary summary(Row row) {
    return new UploadSummary(row.getString("id"), row.getString("source"), row.getString("format"),
        row.getInteger("rows"), ts(row.getOffsetDateTime("first_ts")), ts(row.getOffsetDateTime("last_ts")),
        row.getDouble("cost_usd"), Arrays.asList(row.getArrayOfStrings("unpriced")),
        ts(row.getOffsetDateTime("created_at")), fields(row.getArrayOfStrings("fields")));
  }

  /** Uploads stored before fields were recorded have none: an empty list, not a guess. */
  private static List<String> fields(String[] fields) {
    return fields == null ? List.of() : Arrays.asList(fields);
  }

  private static String ts(OffsetDateTime value) {
    return value == null ? null : value.toInstant().toString();
  }
}
