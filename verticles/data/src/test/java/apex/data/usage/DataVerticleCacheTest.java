package apex.data.usage;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.run.OwnedQuery;
import apex.contracts.run.RunRef;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.Entities;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.UploadSession;
import apex.contracts.usage.UsageFile;
import apex.data.DataVerticle;
import apex.runtime.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data verticle over the bus: a second analysis of unchanged data comes from the cache, and an
 * upload or a delete moves the data version on so the next analysis is computed afresh.
 */
@ExtendWith(VertxExtension.class)
class DataVerticleCacheTest {

  private static final Window MAY = new Window("2025-05-01", "2025-05-31", 31);
  private static final String HEADER = "timestamp,provider,model,feature,input_tokens,output_tokens,cost_usd\n";

  private StageRuns runs;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    runs = StageRuns.start(vertx);
    vertx.deployVerticle(new DataVerticle(), new DeploymentOptions().setConfig(TestServices.config().json()))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  /** As ws-bridge does: open a session, send the file as one chunk, end it. */
  private static Future<String> upload(Vertx vertx, String user, String rows) {
    Buffer file = Buffer.buffer(HEADER + rows);
    return ask(vertx, Addresses.DATA_INGEST, new UsageFile(user, "usage.csv", "text/csv", null, file.length()).toJson())
        .map(reply -> reply.getString(UploadSession.ADDRESS))
        .compose(session -> vertx.eventBus().request(session, file,
                new DeliveryOptions().addHeader(UploadSession.STEP, UploadSession.DATA))
            .compose(taken -> vertx.eventBus().<JsonObject>request(session, null,
                new DeliveryOptions().addHeader(UploadSession.STEP, UploadSession.END))))
        .map(ended -> ended.body())
        .map(reply -> {
          IngestResult result = ContractJson.fromJson(reply, IngestResult.class);
          assertEquals(IngestResult.STORED, result.status(), reply.encode());
          return result.upload().uploadId();
        });
  }

  /** The data stage for {@code user} over May, and the tools its run showed. */
  private Future<Analysed> analyse(Vertx vertx, String user) {
    return analyse(vertx, user, MAY);
  }

  private Future<Analysed> analyse(Vertx vertx, String user, Window window) {
    String runId = StageRuns.newRunId();
    StageRequest request = new StageRequest(new RunRef(runId, "t-" + runId, user), "Analyze my AI costs",
        new TriageResult("cost_analysis", Entities.none(), window, TriageResult.SUFFICIENT, 1, 1.0,
            List.of("data", "optimizer", "report"), "rules"), null, null);
    return ask(vertx, Addresses.STAGE_DATA, request.toJson())
        .compose(reply -> runs.toolNames(runId)
            .map(tools -> new Analysed(ContractJson.fromJson(reply, DataResult.class), tools)));
  }

  private record Analysed(DataResult result, List<String> tools) {}

  @Test
  void unchangedDataIsReadFromTheCacheAndUploadsAndDeletesMoveTheVersionOn(Vertx vertx, VertxTestContext ctx) {
    String user = "u-verticle-" + UUID.randomUUID();
    upload(vertx, user, "2025-05-02T10:00:00Z,openai,gpt-5.4,chat,1000,100,0.5\n")
        .compose(first -> analyse(vertx, user)
            .compose(computed -> analyse(vertx, user).map(cached -> {
              ctx.verify(() -> {
                assertFalse(computed.result().fromCache());
                assertEquals(1, computed.result().dataVersion());
                assertEquals(16, computed.tools().size());
                assertTrue(cached.result().fromCache());
                assertEquals(List.of("read_cache"), cached.tools());
                assertEquals(computed.result().dataVersion(), cached.result().dataVersion());
                assertEquals(computed.result().totals(), cached.result().totals());
              });
              return first;
            }))
            // A second upload: version 2, and the analysis counts its row.
            .compose(v -> upload(vertx, user, "2025-05-03T10:00:00Z,openai,gpt-5.4,chat,2000,200,1.5\n"))
            .compose(second -> analyse(vertx, user).map(afterUpload -> {
              ctx.verify(() -> {
                assertFalse(afterUpload.result().fromCache());
                assertEquals(2, afterUpload.result().dataVersion());
                assertEquals(2, afterUpload.result().totals().requests());
                assertEquals(2.0, afterUpload.result().totals().costUsd());
              });
              return second;
            }))
            // Deleting the first upload: version 3, and its row is gone from the analysis.
            .compose(second -> ask(vertx, Addresses.DATA_UPLOAD_DELETE, new OwnedQuery(user, first).toJson()))
            .compose(deleted -> analyse(vertx, user)))
        .onComplete(ctx.succeeding(afterDelete -> ctx.verify(() -> {
          assertFalse(afterDelete.result().fromCache());
          assertEquals(3, afterDelete.result().dataVersion());
          assertEquals(1, afterDelete.result().totals().requests());
          assertEquals(1.5, afterDelete.result().totals().costUsd());
          ctx.completeNow();
        })));
  }

  @Test
  void coverageIsCountedOncePerDataVersion(Vertx vertx, VertxTestContext ctx) {
    String user = "u-coverage-" + UUID.randomUUID();
    String key = AggregateCache.coverageKey(user, MAY);
    upload(vertx, user, "2025-05-02T10:00:00Z,openai,gpt-5.4,chat,1000,100,0.5\n")
        .compose(first -> coverage(vertx, user))
        .compose(counted -> runs.redis().get(key).map(cached -> {
          ctx.verify(() -> {
            assertEquals(1, counted.rows());
            assertEquals(1L, new JsonObject(cached.toString()).getLong("data_version"));
          });
          return cached;
        }))
        // What the cache holds for this version is what is answered, without counting again.
        .compose(cached -> runs.redis().set(List.of(key, new JsonObject(cached.toString())
            .put("coverage", new JsonObject(cached.toString()).getJsonObject("coverage").put("rows", 99)).encode())))
        .compose(v -> coverage(vertx, user))
        .compose(fromCache -> {
          ctx.verify(() -> assertEquals(99, fromCache.rows()));
          return upload(vertx, user, "2025-05-03T10:00:00Z,openai,gpt-5.4,chat,2000,200,1.5\n");
        })
        // A new upload moved the version on: counted again.
        .compose(second -> coverage(vertx, user))
        .onComplete(ctx.succeeding(afterUpload -> ctx.verify(() -> {
          assertEquals(2, afterUpload.rows());
          assertEquals(2, afterUpload.daysWithData());
          ctx.completeNow();
        })));
  }

  @Test
  void anUploadWorksOutTheLast30DaysAheadSoTheFirstQuestionReadsThem(Vertx vertx, VertxTestContext ctx) {
    String user = "u-warm-" + UUID.randomUUID();
    Window last30 = Window.lastDays(Window.DEFAULT_DAYS, LocalDate.now(ZoneOffset.UTC));
    String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1) + "T10:00:00Z";
    upload(vertx, user, yesterday + ",openai,gpt-5.4,chat,1000,100,0.5\n")
        .compose(uploaded -> cached(vertx, AggregateCache.resultKey(user, last30, 1), 100))
        .compose(warmed -> analyse(vertx, user, last30))
        .onComplete(ctx.succeeding(first -> ctx.verify(() -> {
          assertTrue(first.result().fromCache(), "the first question read what the upload worked out");
          assertEquals(List.of("read_cache"), first.tools());
          assertEquals(1, first.result().totals().requests());
          assertEquals(0.5, first.result().totals().costUsd());
          ctx.completeNow();
        })));
  }

  /** Waits (up to {@code tries} × 50 ms) for {@code key} to be in Redis. */
  private Future<Void> cached(Vertx vertx, String key, int tries) {
    return runs.redis().exists(List.of(key)).compose(found -> {
      if (found.toInteger() == 1) {
        return Future.succeededFuture();
      }
      if (tries == 0) {
        return Future.failedFuture("never cached: " + key);
      }
      return vertx.timer(50).compose(t -> cached(vertx, key, tries - 1));
    });
  }

  private static Future<Coverage> coverage(Vertx vertx, String user) {
    return ask(vertx, Addresses.DATA_COVERAGE, new Coverage(user, MAY, 0, 0, null, null, null).toJson())
        .map(reply -> ContractJson.fromJson(reply, Coverage.class));
  }
}
