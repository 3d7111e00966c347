package apex.data.usage;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class UsageWriterTest {

  private static final String ROWS_OF_USER = "SELECT count(*) FROM usage.usage_records WHERE user_id = $1";
  private static final String UPLOADS_OF_USER = "SELECT count(*) FROM usage.uploads WHERE user_id = $1";

  private static UsageDatabase db;
  private static UsageWriter writer;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    db = UsageDatabase.start(vertx);
    writer = db.writer();
  }

  @AfterAll
  static void tearDown() throws Exception {
    db.close();
  }

  @Test
  void storesEveryRowOfALargeUploadUnderOneUploadId(VertxTestContext ctx) {
    int size = 2 * UsageWriter.CHUNK_SIZE + 1;
    writer.write("u-large", "usage.csv", "csv", rows(size))
        .compose(upload -> db.pool().preparedQuery(
                "SELECT u.rows, count(r.id) AS stored FROM usage.uploads u JOIN usage.usage_records r ON r.upload_id = u.id"
                    + " WHERE u.id = $1 AND u.user_id = $2 AND u.source = 'usage.csv' AND u.format = 'csv' GROUP BY u.rows")
            .execute(Tuple.of(upload.uploadId(), "u-large"))
            .map(result -> {
              ctx.verify(() -> {
                assertEquals(size, upload.rows());
                assertTrue(upload.uploadId().startsWith("upl_"));
                assertEquals(size, result.iterator().next().getInteger("rows"));
                assertEquals(size, result.iterator().next().getLong("stored"));
              });
              return upload;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void storesOptionalFieldsAsGivenAndNullCostAsUnpriced(VertxTestContext ctx) {
    UsageRecord full = new UsageRecord(Instant.parse("2025-05-06T07:08:09.123Z"), "anthropic", "claude-haiku-4-5",
        "email-drafts", "req_1", 1_000, 300, 200, 150, 0, 812, "timeout", "length", 512, "abc123", true, 0.0012345,
        "cust_7");
    UsageRecord bare = new UsageRecord(Instant.parse("2025-05-06T07:08:10Z"), "acme-ai", "mystery-1", null, null,
        10, 0, 0, 5, 0, null, null, null, null, null, false, null, null);
    writer.write("u-fields", "test", "json", List.of(full, bare))
        .compose(upload -> db.pool().preparedQuery("SELECT ts, feature, status, latency_ms, finish_reason, max_tokens,"
                + " prompt_hash, batch, cost_usd::float8 AS cost, end_user, cache_write_tokens FROM usage.usage_records"
                + " WHERE user_id = $1 ORDER BY ts").execute(Tuple.of("u-fields")))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          var it = rows.iterator();
          var first = it.next();
          assertEquals(full.ts(), first.getOffsetDateTime("ts").toInstant());
          assertEquals("timeout", first.getString("status"));
          assertEquals(812, first.getInteger("latency_ms"));
          assertEquals("length", first.getString("finish_reason"));
          assertEquals(512, first.getInteger("max_tokens"));
          assertEquals("abc123", first.getString("prompt_hash"));
          assertEquals(true, first.getBoolean("batch"));
          assertEquals(0.001235, first.getDouble("cost"), 1e-12); // numeric(14,6) rounds half up
          assertEquals("cust_7", first.getString("end_user"));
          assertEquals(200L, first.getLong("cache_write_tokens"));
          var second = it.next();
          assertEquals("untagged", second.getString("feature"));
          assertEquals("ok", second.getString("status"));
          assertNull(second.getValue("cost"));
          assertNull(second.getValue("latency_ms"));
          ctx.completeNow();
        })));
  }

  @Test
  void storesNothingWhenAnyRowIsRejected(VertxTestContext ctx) {
    List<UsageRecord> rows = rows(UsageWriter.CHUNK_SIZE + 100);
    UsageRecord valid = rows.get(UsageWriter.CHUNK_SIZE + 50); // in the second chunk: the first is already sent
    rows.set(UsageWriter.CHUNK_SIZE + 50, new UsageRecord(valid.ts(), valid.provider(), valid.model(),
        valid.feature(), null, 10, 0, 0, 1, 0, null, "bogus", null, null, null, false, 0.1, null));
    writer.write("u-atomic", "test", "csv", rows)
        .onComplete(ctx.failing(err -> db.count(ROWS_OF_USER, "u-atomic")
            .compose(records -> db.count(UPLOADS_OF_USER, "u-atomic").map(uploads -> List.of(records, uploads)))
            .onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
              assertTrue(err.getMessage().contains("usage_records_status_check"), err.getMessage());
              assertEquals(List.of(0L, 0L), counts);
              ctx.completeNow();
            })))));
  }

  @Test
  void storesExactlyWhatRowByRowInsertsStore(VertxTestContext ctx) {
    List<UsageRecord> records = varied(2 * UsageWriter.CHUNK_SIZE + 17);
    writer.write("u-fast", "test", "csv", records)
        .compose(upload -> insertRowByRow("u-reference", records))
        .compose(v -> db.count("SELECT count(*) FROM (" + STORED.formatted("'u-fast'") + " EXCEPT ALL "
            + STORED.formatted("$1") + ") AS only_fast", "u-reference"))
        .compose(onlyFast -> db.count("SELECT count(*) FROM (" + STORED.formatted("$1") + " EXCEPT ALL "
            + STORED.formatted("'u-fast'") + ") AS only_reference", "u-reference").map(onlyReference ->
            List.of(onlyFast, onlyReference)))
        .compose(differences -> db.count(ROWS_OF_USER, "u-fast").map(stored -> {
          ctx.verify(() -> {
            assertEquals(List.of(0L, 0L), differences, "rows only one path stored");
            assertEquals(records.size(), stored);
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void recordsTheFieldsAnUploadCarriedAndAllFieldsForGeneratedData(VertxTestContext ctx) {
    List<String> fields = List.of("ts", "model", "input_tokens", "output_tokens");
    writer.write("u-fields-list", "usage.csv", "csv", rows(3), fields)
        .compose(upload -> writer.write("u-fields-list", "demo", "demo", rows(2)))
        .compose(demo -> db.pool().preparedQuery("SELECT source, fields FROM usage.uploads WHERE user_id = $1 ORDER BY source")
            .execute(Tuple.of("u-fields-list")))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          var it = rows.iterator();
          assertEquals(UsageRecord.FIELDS, List.of(it.next().getArrayOfStrings("fields")));
          assertEquals(fields, List.of(it.next().getArrayOfStrings("fields")));
          ctx.completeNow();
        })));
  }

  /** The columns a row is stored with, for the user bound at the placeholder. */
  private static final String STORED = "SELECT ts, provider, model, feature, request_id, input_tokens, cached_input_tokens,"
      + " cache_write_tokens, output_tokens, reasoning_tokens, latency_ms, status, finish_reason, max_tokens,"
      + " prompt_hash, batch, cost_usd, end_user FROM usage.usage_records WHERE user_id = %s";

  /** The reference: one plain INSERT per row, the way the writer stored rows before it used arrays. */
  private static io.vertx.core.Future<Void> insertRowByRow(String userId, List<UsageRecord> records) {
    String uploadId = "upl_reference_" + System.nanoTime();
    List<Tuple> tuples = new ArrayList<>();
    for (UsageRecord r : records) {
      tuples.add(Tuple.tuple().addString(userId).addString(uploadId).addOffsetDateTime(r.ts().atOffset(ZoneOffset.UTC))
          .addString(r.provider()).addString(r.model()).addString(r.feature()).addString(r.requestId())
          .addLong(r.inputTokens()).addLong(r.cachedInputTokens()).addLong(r.cacheWriteTokens())
          .addLong(r.outputTokens()).addLong(r.reasoningTokens()).addInteger(r.latencyMs()).addString(r.status())
          .addString(r.finishReason()).addInteger(r.maxTokens()).addString(r.promptHash()).addBoolean(r.batch())
          .addValue(r.costUsd()).addString(r.endUser()));
    }
    return db.pool().preparedQuery("INSERT INTO usage.uploads (id, user_id, source, rows) VALUES ($1, $2, 'ref', $3)")
        .execute(Tuple.of(uploadId, userId, records.size()))
        .compose(v -> db.pool().preparedQuery("""
            INSERT INTO usage.usage_records (user_id, upload_id, ts, provider, model, feature, request_id,
              input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms,
              status, finish_reason, max_tokens, prompt_hash, batch, cost_usd, end_user)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)""")
            .executeBatch(tuples))
        .mapEmpty();
  }

  /** Rows with every optional field sometimes absent, odd text and costs that round at the sixth decimal. */
  private static List<UsageRecord> varied(int count) {
    java.util.Random random = new java.util.Random(7);
    List<UsageRecord> rows = new ArrayList<>();
    Instant start = Instant.parse("2025-05-01T00:00:00.123456Z");
    String[] statuses = {"ok", "error", "timeout", "rate_limited"};
    for (int i = 0; i < count; i++) {
      long input = random.nextInt(1_000_000);
      long cached = input / 3;
      long output = random.nextInt(5_000);
      boolean sparse = i % 3 == 0;
      rows.add(new UsageRecord(start.plusMillis(i * 1_337L), i % 2 == 0 ? "openai" : "anthropic",
          "model-" + (i % 7), sparse ? null : "feat \"é\" " + (i % 5), sparse ? null : "req,\n" + i, input, cached,
          i % 4, output, output / 4, sparse ? null : random.nextInt(60_000), statuses[i % 4],
          sparse ? null : "stop", sparse ? null : 256 + i % 4096, sparse ? null : Integer.toHexString(i),
          i % 5 == 0, sparse ? null : random.nextInt(10_000_000) / 1e7 + 0.00000049, sparse ? null : "user-" + i));
    }
    return rows;
  }

  private static List<UsageRecord> rows(int count) {
    List<UsageRecord> rows = new ArrayList<>();
    Instant start = Instant.parse("2025-05-01T00:00:00Z");
    for (int i = 0; i < count; i++) {
      rows.add(new UsageRecord(start.plusSeconds(i * 60L), "openai", "gpt-5.4-mini", "support-chat", "req_" + i,
          1_000 + i, 100, 0, 200, 50, 900, "ok", "stop", 1_024, null, false, 0.001, null));
    }
    return rows;
  }
}
