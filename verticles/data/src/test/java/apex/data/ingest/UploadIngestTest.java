package apex.data.ingest;

import apex.data.demo.ListPrices;
import apex.data.usage.UsageDatabase;
import apex.data.usage.UsageWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An upload parsed and stored at once is still all or nothing, whether the file or the database says no. */
@ExtendWith(VertxExtension.class)
class UploadIngestTest {

  private static final int ROWS = 2 * UsageWriter.CHUNK_SIZE + 500; // three batches: two are stored before the end
  private static final String RECORDS = "SELECT count(*) FROM usage.usage_records WHERE user_id = $1";
  private static final String UPLOADS = "SELECT count(*) FROM usage.uploads WHERE user_id = $1";

  private static UsageDatabase db;
  private static UsageFileParser parser;
  private static UsageWriter writer;

  @BeforeAll
  static void setUp(Vertx vertx) {
    db = UsageDatabase.start(vertx);
    parser = new UsageFileParser(ListPrices.COST);
    writer = db.writer();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** A LiteLLM-style spend log; {@code bad} replaces the cost of one row (1-based), or nothing when 0. */
  private static byte[] csv(int badRow, String badCost) {
    StringBuilder csv = new StringBuilder("request_id,startTime,model,custom_llm_provider,prompt_tokens,"
        + "completion_tokens,spend,user\n");
    for (int i = 1; i <= ROWS; i++) {
      csv.append("req-").append(i).append(",2025-03-02 09:").append(String.format("%02d", i % 60)).append(":00,")
          .append("gpt-5.4,openai,").append(100 + i % 50).append(',').append(20).append(',')
          .append(i == badRow ? badCost : "0.0012").append(",alice\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Future<UploadIngest.Outcome> ingest(Vertx vertx, String userId, byte[] file) {
    return new UploadIngest(vertx, parser, writer, userId, "spend.csv")
        .run(new ByteArrayInputStream(file), "text/csv", "spend.csv");
  }

  private static Future<List<Long>> counts(String userId) {
    return db.count(RECORDS, userId).compose(records -> db.count(UPLOADS, userId).map(uploads -> List.of(records, uploads)));
  }

  @Test
  void storesEveryRowWithTheUploadsFormatAndFields(Vertx vertx, VertxTestContext ctx) {
    ingest(vertx, "u-stream", csv(0, null))
        .compose(outcome -> db.pool().preparedQuery("SELECT rows, format, fields FROM usage.uploads WHERE id = $1")
            .execute(Tuple.of(outcome.stored().uploadId())).map(rows -> rows.iterator().next())
            .compose(upload -> db.count(RECORDS, "u-stream").map(stored -> {
              ctx.verify(() -> {
                assertEquals(ROWS, outcome.parsed().rows());
                assertEquals(ROWS, upload.getInteger("rows"));
                assertEquals(ROWS, stored);
                assertEquals("csv", upload.getString("format"));
                assertEquals(List.of("ts", "provider", "model", "request_id", "input_tokens", "output_tokens",
                    "end_user", "cost_usd"), List.of(upload.getArrayOfStrings("fields")));
              });
              return null;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aProblemNearTheEndRollsBackTheBatchesAlreadyStored(Vertx vertx, VertxTestContext ctx) {
    ingest(vertx, "u-late-problem", csv(ROWS - 10, "-1"))
        .compose(outcome -> counts("u-late-problem").map(counts -> {
          ctx.verify(() -> {
            assertNull(outcome.stored());
            assertEquals(1, outcome.parsed().problemCount());
            assertEquals(ROWS - 10, outcome.parsed().problems().get(0).row());
            assertEquals(List.of(0L, 0L), counts);
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRowTheDatabaseRefusesInTheMiddleStoresNothing(Vertx vertx, VertxTestContext ctx) {
    // A cost the parser accepts but numeric(14, 6) cannot hold: refused in the second batch.
    ingest(vertx, "u-db-refuses", csv(UsageWriter.CHUNK_SIZE + 7, "1e12"))
        .onComplete(ctx.failing(e -> counts("u-db-refuses").onComplete(ctx.succeeding(counts -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("numeric field overflow"), e.getMessage());
          assertEquals(List.of(0L, 0L), counts);
          ctx.completeNow();
        })))));
  }
}
