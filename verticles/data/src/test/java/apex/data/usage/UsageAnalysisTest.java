package apex.data.usage;

import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.FeatureSpend;
import apex.contracts.stage.DataResult.ProviderSpend;
import apex.contracts.stage.DataResult.Totals;
import apex.contracts.stage.Window;
import apex.data.demo.DemoUsageGenerator;
import apex.runtime.config.ApexConfig;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Future;
import apex.runtime.pricing.PricingCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data stage's run: every analysis as a tool, one result, and the cache per data version. */
@ExtendWith(VertxExtension.class)
class UsageAnalysisTest {

  private static final List<String> TOOLS = List.of("spend_totals", "spend_by_model", "spend_by_feature",
      "spend_by_provider", "spend_by_feature_model", "spend_by_day", "cache_hit_ratio", "failure_waste",
      "output_limits", "duplicate_prompts", "latency_by_model", "arrival_hours", "daily_anomalies",
      "spend_forecast", "data_quality", "unpriced_models");
  private static final Window MAY_1_TO_2 = new Window("2025-05-01", "2025-05-02", 2);

  private static UsageDatabase db;
  private static StageRuns runs;
  private static AggregateCache cache;
  private static UsageAnalysis analysis;
  private static UsageWriter writer;

  @BeforeAll
  static void setUp(Vertx vertx) {
    db = UsageDatabase.start(vertx);
    runs = StageRuns.start(vertx);
    cache = new AggregateCache(runs.redis());
    analysis = new UsageAnalysis(db.pool(), cache);
    writer = db.writer();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** Two calls on May 1: $0.30 ok and $0.10 failed; one on May 2 of $0.20. */
  private static Future<UsageWriter.Upload> threeCalls(String user) {
    return writer.write(user, "test", "csv", List.of(
        TestRow.at("2025-05-01T08:00:00Z").tokens(1000, 100).cost(0.30).record(),
        TestRow.at("2025-05-01T09:00:00Z").tokens(1000, 0).status("error").cost(0.10).record(),
        TestRow.at("2025-05-02T10:00:00Z").feature("search").tokens(500, 20).cost(0.20).record()));
  }

  private static Future<DataResult> run(AggregateCache with, String user, Window window, String runId) {
    return new UsageAnalysis(db.pool(), with).run(user, window, runs.work(runId, user));
  }

  @Test
  void runsEachAnalysisAsAToolInOrderAndAnswersInTheContractsShape(VertxTestContext ctx) {
    String user = "u-tools";
    String runId = StageRuns.newRunId();
    threeCalls(user)
        .compose(upload -> run(cache, user, MAY_1_TO_2, runId))
        .compose(result -> runs.completedTools(runId).map(tools -> {
          ctx.verify(() -> {
            assertEquals(TOOLS, tools.stream().map(t -> t.getString("tool")).toList());
            assertEquals(new JsonObject().put("requests", 3L).put("failed_requests", 1L).put("cost_usd", 0.6),
                tools.get(0).getJsonObject("result"));
            assertEquals(new Totals(3, 2_500, 0, 0, 120, 0, 1, 0.6), result.totals());
            assertEquals(List.of(new ProviderSpend("openai", 3, 0.6)), result.byProvider());
            assertEquals(List.of(), Schemas.get().problems(Schemas.DATA_RESULT, result.toJson()));
            assertEquals(0, result.dataVersion());
            assertFalse(result.fromCache());
          });
          return result;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSecondRunOnTheSameDataVersionIsReadFromTheCacheAndANewVersionIsComputedAgain(VertxTestContext ctx) {
    String user = "u-cached";
    String second = StageRuns.newRunId();
    String third = StageRuns.newRunId();
    threeCalls(user)
        .compose(upload -> run(cache, user, MAY_1_TO_2, StageRuns.newRunId()))
        .compose(first -> run(cache, user, MAY_1_TO_2, second).compose(cached -> runs.toolNames(second).map(tools -> {
          ctx.verify(() -> {
            assertTrue(cached.fromCache());
            assertEquals(List.of("read_cache"), tools);
            assertEquals(first.toJson().put("from_cache", true), cached.toJson());
          });
          return first;
        })))
        // What an upload does after it committed: new rows, then the version moves on.
        .compose(first -> writer.write(user, "more", "csv", List.of(
                TestRow.at("2025-05-02T11:00:00Z").tokens(10, 10).cost(1.0).record()))
            .compose(upload -> cache.bump(user))
            .compose(v -> run(cache, user, MAY_1_TO_2, third))
            .compose(recomputed -> runs.toolNames(third).map(tools -> {
              ctx.verify(() -> {
                assertFalse(recomputed.fromCache());
                assertEquals(first.dataVersion() + 1, recomputed.dataVersion());
                assertEquals(TOOLS, tools);
                assertEquals(4, recomputed.totals().requests());
                assertEquals(1.6, recomputed.totals().costUsd(), 1e-9);
              });
              return recomputed;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withRedisUnreachableTheAnalysesRunFromPostgresWithoutTheCache(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ApexConfig unreachable = apex.runtime.TestServices.config(Map.of("redis.url", "redis://127.0.0.1:" + closedPort));
    AggregateCache down = new AggregateCache(RedisStore.api(vertx, unreachable));
    String user = "u-no-redis";
    threeCalls(user)
        .compose(upload -> run(down, user, MAY_1_TO_2, StageRuns.newRunId()))
        .compose(first -> run(down, user, MAY_1_TO_2, StageRuns.newRunId()).map(second -> {
          ctx.verify(() -> {
            assertFalse(second.fromCache());
            assertEquals(0, second.dataVersion());
            assertEquals(first, second);
            assertEquals(0.6, second.totals().costUsd(), 1e-9);
          });
          return second;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anEmptyWindowGivesZerosEmptyListsAndNoForecast(VertxTestContext ctx) {
    Window june = new Window("2025-06-01", "2025-06-30", 30);
    run(cache, "u-tools-empty", june, StageRuns.newRunId()).onComplete(ctx.succeeding(result -> ctx.verify(() -> {
      assertEquals(new Totals(0, 0, 0, 0, 0, 0, 0, 0.0), result.totals());
      assertEquals(List.of(), result.byModel());
      assertEquals(List.of(), result.cacheUse());
      assertEquals(List.of(), result.anomalies());
      assertNull(result.forecast());
      assertEquals(0, result.quality().rows());
      assertEquals(List.of(), Schemas.get().problems(Schemas.DATA_RESULT, result.toJson()));
      ctx.completeNow();
    })));
  }

  @Test
  void refusesAWindowThatIsNotIsoDatesAsABadRequest(VertxTestContext ctx) {
    run(cache, "u-tools", new Window("May 1", "2025-05-02", 2), StageRuns.newRunId())
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(ErrorCode.BAD_REQUEST, ErrorCode.of(err));
          assertTrue(err.getMessage().contains("May 1"), err.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void analysesOfTheStoredDemoAgreeWithTheGeneratedRowsAndWithEachOther(VertxTestContext ctx) {
    List<UsageRecord> demo = new DemoUsageGenerator().generate(42, 42, 42 * 150, LocalDate.parse("2025-06-30"),
        PricingCatalog.load(LocalDate.parse("2025-06-30"))).records();
    Window window = new Window("2025-05-20", "2025-06-30", 42);
    // The table keeps 6 decimals per row; sum what it stores.
    double cost = demo.stream().mapToDouble(r -> BigDecimal.valueOf(r.costUsd()).setScale(6, RoundingMode.HALF_UP)
        .doubleValue()).sum();
    writer.write("u-demo-analysis", "demo", "demo", demo)
        .compose(upload -> run(cache, "u-demo-analysis", window, StageRuns.newRunId()))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          Totals totals = result.totals();
          assertEquals(demo.size(), totals.requests());
          assertEquals(demo.stream().mapToLong(UsageRecord::outputTokens).sum(), totals.outputTokens());
          assertEquals(cost, totals.costUsd(), 1e-5); // the total is rounded to 6 decimals once more
          assertEquals(42, result.byDay().size());
          assertEquals(totals.costUsd(), result.byFeature().stream().mapToDouble(FeatureSpend::costUsd).sum(), 1e-5);
          assertEquals(totals.costUsd(), result.byProvider().stream().mapToDouble(ProviderSpend::costUsd).sum(), 1e-5);
          assertEquals(totals.cachedInputTokens(),
              result.cacheUse().stream().mapToLong(CacheUse::cachedInputTokens).sum());
          assertEquals(totals.requests(), result.batchUse().stream()
              .mapToLong(b -> b.requestsByHour().stream().mapToLong(Long::longValue).sum()).sum());
          assertEquals(totals.requests(), result.batchUse().stream().mapToLong(BatchUse::requests).sum());
          assertEquals(totals.failedRequests(),
              result.failures().stream().mapToLong(DataResult.FailureWaste::failedRequests).sum());
          assertEquals(totals.requests(), result.quality().rows());
          assertEquals("2025-06", result.forecast().month());
          assertEquals(List.of(), result.unpricedModels());
          assertEquals(List.of(), Schemas.get().problems(Schemas.DATA_RESULT, result.toJson()));
          ctx.completeNow();
        })));
  }
}
