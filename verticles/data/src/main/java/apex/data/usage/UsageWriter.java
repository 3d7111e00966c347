package apex.data.usage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Stores one upload: the {@code uploads} row and all its usage records in a single transaction, so
 * an upload is either entirely visible to the analyses or not at all.
 */
public class UsageWriter {

  /** Rows per executeBatch round trip: large enough to amortise latency, small enough to bound memory. */
  static final int CHUNK_SIZE = 500;

  private static final String INSERT_UPLOAD =
      "INSERT INTO usage.uploads (id, user_id, source, format, rows) VALUES ($1, $2, $3, $4, $5)";

  private static final String INSERT_RECORD = """
      INSERT INTO usage.usage_records (user_id, upload_id, ts, provider, model, feature, request_id,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms,
        status, finish_reason, max_tokens, prompt_hash, batch, cost_usd, end_user)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)""";

  /** What was stored. */
  public record Upload(String uploadId, int rows) {}

  private final Pool pool;

  public UsageWriter(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores {@code records} for {@code userId} under a new upload id. {@code source} says where they
   * came from ({@code csv}, {@code ndjson}, {@code demo} …). Fails, storing nothing, if any row is
   * rejected by the database.
   */
  public Future<Upload> write(String userId, String source, String format, List<UsageRecord> records) {
    String uploadId = "upl_" + UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT_UPLOAD)
            .execute(Tuple.of(uploadId, userId, source, format, records.size()))
            .compose(ignored -> insertInChunks(conn, userId, uploadId, records)))
        .map(ignored -> new Upload(uploadId, records.size()));
  }

  private static Future<Void> insertInChunks(SqlConnection conn, String userId, String uploadId,
                                             List<UsageRecord> records) {
    Future<Void> chain = Future.succeededFuture();
    for (int start = 0; start < records.size(); start += CHUNK_SIZE) {
      List<Tuple> chunk = new ArrayList<>();
      for (UsageRecord r : records.subList(start, Math.min(start + CHUNK_SIZE, records.size()))) {
        chunk.add(toTuple(userId, uploadId, r));
      }
      chain = chain.compose(ignored -> conn.preparedQuery(INSERT_RECORD).executeBatch(chunk).<Void>mapEmpty());
    }
    return chain;
  }

  private static Tuple toTuple(String userId, String uploadId, UsageRecord r) {
    return Tuple.tuple()
        .addString(userId).addString(uploadId).addOffsetDateTime(r.ts().atOffset(ZoneOffset.UTC))
        .addString(r.provider()).addString(r.model()).addString(r.feature()).addString(r.requestId())
        .addLong(r.inputTokens()).addLong(r.cachedInputTokens()).addLong(r.cacheWriteTokens())
        .addLong(r.outputTokens()).addLong(r.reasoningTokens()).addInteger(r.latencyMs())
        .addString(r.status()).addString(r.finishReason()).addInteger(r.maxTokens()).addString(r.promptHash())
        .addBoolean(r.batch()).addValue(r.costUsd()).addString(r.endUser());
  }
}
