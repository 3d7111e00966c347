package apex.data.usage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Stores one upload: the {@code uploads} row, all its usage records and their {@link Rollups} in a
 * single transaction, so an upload is either entirely visible to the analyses or not at all. Rows go in as column arrays
 * through {@code unnest}, one round trip per {@link #CHUNK_SIZE} rows: a row-by-row batch costs the
 * server a bind and execute per row and was about three times slower (docs/BENCHMARKS.md).
 */
public class UsageWriter {

  /** Rows per INSERT: large enough to amortise the round trip, small enough to keep a statement's arrays small. */
  public static final int CHUNK_SIZE = 10_000;

  private static final String INSERT_UPLOAD =
      "INSERT INTO usage.uploads (id, user_id, source, rows) VALUES ($1, $2, $3, 0)";

  private static final String FINISH_UPLOAD =
      "UPDATE usage.uploads SET rows = $2, format = $3, fields = $4 WHERE id = $1";

  private static final String INSERT_RECORDS = """
      INSERT INTO usage.usage_records (user_id, upload_id, ts, provider, model, feature, request_id,
        input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms,
        status, finish_reason, max_tokens, prompt_hash, batch, cost_usd, end_user)
      SELECT $1, $2, * FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int4[], $14::text[], $15::text[],
        $16::int4[], $17::text[], $18::bool[], $19::float8[], $20::text[])""";

  /** What was stored. */
  public record Upload(String uploadId, int rows) {}

  private final Pool pool;

  public UsageWriter(Pool pool) {
    this.pool = pool;
  }

  /** Stores generated records, which carry every field (demo data). */
  public Future<Upload> write(String userId, String source, String format, List<UsageRecord> records) {
    return write(userId, source, format, records, UsageRecord.FIELDS);
  }

  /**
   * Stores {@code records} for {@code userId} under a new upload id. {@code source} says where they
   * came from (a file name, {@code demo} …), {@code fields} which canonical fields the source carried.
   * Fails, storing nothing, if any row is rejected by the database.
   */
  public Future<Upload> write(String userId, String source, String format, List<UsageRecord> records,
                              List<String> fields) {
    return open(userId, source).compose(upload -> upload.append(records)
        .compose(v -> upload.commit(format, fields))
        .recover(e -> upload.rollback().transform(ignored -> Future.failedFuture(e))));
  }

  /**
   * Starts an upload whose rows arrive in parts; nothing is visible until {@link OpenUpload#commit},
   * which also names the format and fields (known only once the whole file is read).
   */
  public Future<OpenUpload> open(String userId, String source) {
    String uploadId = "upl_" + UUID.randomUUID();
    return pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> conn.preparedQuery(INSERT_UPLOAD).execute(Tuple.of(uploadId, userId, source))
            .map(ignored -> new OpenUpload(conn, tx, userId, uploadId)))
        .onFailure(e -> conn.close()));
  }

  /** An upload inside its transaction, holding one pooled connection until committed or rolled back. */
  public static final class OpenUpload {
    private final SqlConnection conn;
    private final Transaction tx;
    private final String userId;
    private final String uploadId;
    private final Rollups rollups = new Rollups();
    private int rows;

    private OpenUpload(SqlConnection conn, Transaction tx, String userId, String uploadId) {
      this.conn = conn;
      this.tx = tx;
      this.userId = userId;
      this.uploadId = uploadId;
    }

    /** Inserts the records in statements of {@link #CHUNK_SIZE} rows, one after the other. */
    public Future<Void> append(List<UsageRecord> records) {
      Future<Void> chain = Future.succeededFuture();
      for (int start = 0; start < records.size(); start += CHUNK_SIZE) {
        List<UsageRecord> chunk = records.subList(start, Math.min(start + CHUNK_SIZE, records.size()));
        chain = chain.compose(v -> conn.preparedQuery(INSERT_RECORDS).execute(columns(userId, uploadId, chunk))
            .map(result -> {
              rows += chunk.size();
              chunk.forEach(rollups::add);
              return null;
            }));
      }
      return chain;
    }

    /** Rows appended so far (visible to this transaction only). */
    public int rows() {
      return rows;
    }

    /** Writes the upload's rollups ({@link Rollups}) and commits. */
    public Future<Upload> commit(String format, List<String> fields) {
      return rollups.write(conn, userId, uploadId)
          .compose(v -> conn.preparedQuery(FINISH_UPLOAD)
              .execute(Tuple.of(uploadId, rows, format, fields.toArray(String[]::new))))
          .compose(v -> tx.commit())
          .map(v -> new Upload(uploadId, rows))
          .onComplete(done -> conn.close());
    }

    public Future<Void> rollback() {
      return tx.rollback().onComplete(done -> conn.close());
    }
  }

  /** The chunk as one array per column, in {@link #INSERT_RECORDS}' order. */
  private static Tuple columns(String userId, String uploadId, List<UsageRecord> chunk) {
    int n = chunk.size();
    OffsetDateTime[] ts = new OffsetDateTime[n];
    String[] provider = new String[n];
    String[] model = new String[n];
    String[] feature = new String[n];
    String[] requestId = new String[n];
    Long[] input = new Long[n];
    Long[] cached = new Long[n];
    Long[] cacheWrite = new Long[n];
    Long[] output = new Long[n];
    Long[] reasoning = new Long[n];
    Integer[] latency = new Integer[n];
    String[] status = new String[n];
    String[] finishReason = new String[n];
    Integer[] maxTokens = new Integer[n];
    String[] promptHash = new String[n];
    Boolean[] batch = new Boolean[n];
    Double[] cost = new Double[n];
    String[] endUser = new String[n];
    for (int i = 0; i < n; i++) {
      UsageRecord r = chunk.get(i);
      ts[i] = r.ts().atOffset(ZoneOffset.UTC);
      provider[i] = r.provider();
      model[i] = r.model();
      feature[i] = r.feature();
      requestId[i] = r.requestId();
      input[i] = r.inputTokens();
      cached[i] = r.cachedInputTokens();
      cacheWrite[i] = r.cacheWriteTokens();
      output[i] = r.outputTokens();
      reasoning[i] = r.reasoningTokens();
      latency[i] = r.latencyMs();
      status[i] = r.status();
      finishReason[i] = r.finishReason();
      maxTokens[i] = r.maxTokens();
      promptHash[i] = r.promptHash();
      batch[i] = r.batch();
      cost[i] = r.costUsd();
      endUser[i] = r.endUser();
    }
    return Tuple.tuple().addString(userId).addString(uploadId)
        .addArrayOfOffsetDateTime(ts).addArrayOfString(provider).addArrayOfString(model).addArrayOfString(feature)
        .addArrayOfString(requestId).addArrayOfLong(input).addArrayOfLong(cached).addArrayOfLong(cacheWrite)
        .addArrayOfLong(output).addArrayOfLong(reasoning).addArrayOfInteger(latency).addArrayOfString(status)
        .addArrayOfString(finishReason).addArrayOfInteger(maxTokens).addArrayOfString(promptHash)
        .addArrayOfBoolean(batch).addArrayOfDouble(cost).addArrayOfString(endUser);
  }
}
