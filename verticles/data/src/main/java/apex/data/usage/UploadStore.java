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
      SELECT u.id, u.source, u.format, u.rows, u.created_at, u.fields, min(r.ts) AS first_ts, max(r.ts) AS last_ts,
             round(coalesce(sum(r.cost_usd), 0), 6)::float8 AS cost_usd,
             coalesce(array_agg(DISTINCT r.model) FILTER (WHERE r.cost_usd IS NULL), '{}') AS unpriced
        FROM usage.uploads u LEFT JOIN usage.usage_records r ON r.upload_id = u.id
       WHERE u.user_id = $1 %s
       GROUP BY u.id ORDER BY u.created_at DESC""";

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
    return pool.preparedQuery(SUMMARY.formatted("AND u.id = $2")).execute(Tuple.of(userId, uploadId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("upload not found: " + uploadId))
            : Future.succeededFuture(summary(rows.iterator().next())));
  }

  /** Deletes the upload and its rows; not found unless it is this user's. */
  public Future<Void> delete(String userId, String uploadId) {
    return pool.preparedQuery("DELETE FROM usage.uploads WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(uploadId, userId))
        .compose(result -> result.rowCount() == 0
            ? Future.failedFuture(ErrorCode.NOT_FOUND.failure("upload not found: " + uploadId))
            : Future.succeededFuture());
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
