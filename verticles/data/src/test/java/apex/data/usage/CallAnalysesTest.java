package apex.data.usage;

import apex.contracts.stage.DataResult.BatchUse;
import apex.contracts.stage.DataResult.CacheUse;
import apex.contracts.stage.DataResult.DuplicateUse;
import apex.contracts.stage.DataResult.FailureWaste;
import apex.contracts.stage.DataResult.LatencyStats;
import apex.contracts.stage.DataResult.OutputUse;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.Window;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per feature × model analyses over three hand-made groups in April 1–2, 2025 (expected figures
 * worked out below), plus a row just after the window and another user's row that must not count.
 *
 * <pre>
 * chat / openai / gpt-5.4 (9 calls, cost 0.48)
 *   c1 04-01 10:00 ok  in 1000 writes 500 out 50 hash h1 lat 400 $0.10
 *   c2 04-01 10:05 ok  in 1000 reads 800  out 50 hash h1 lat 600 $0.04   repeat of c1
 *   c3 04-01 10:10 ok  in 3000 reads 800  out 50 hash h2 lat 800 $0.20
 *   c4 04-02 11:00 ok  in 1000 reads 800  out 50 hash h1 lat 500 $0.05   repeat of c1
 *   c5 04-02 11:10 ok  in  200            out 50          lat 300 $0.01
 *   f1 04-02 11:20 error        in 1000 hash h1 $0.03   (failed: not a repeat)
 *   f2 04-02 11:40 timeout      in 1000         $0.03
 *   f3 04-02 11:50 rate_limited no tokens       $0
 *   f4 04-01 10:30 error        in 1000         $0.02
 * writer / anthropic / claude-sonnet-4-6 (21 calls at 04-01 09:xx, in 2000 each, cost 0.255)
 *   18 ok: out 100, max_tokens 1000, stop, latency 1000, 1010 … 1170, $0.01 each
 *   1 ok:  out 100, max_tokens 100, finish length, latency 1180, $0.02      (truncated)
 *   1 ok:  out 500, max_tokens 1000, stop, latency 5000, $0.05              (runaway)
 *   1 error at 09:30, max_tokens 1000, $0.005
 * digest / openai / gpt-5.4-mini (in 100, out 10): 04-01 02:00 batch $0.01, 04-01 02:30 $0.02,
 *   04-02 03:00 $0.03, 04-02 23:59 unpriced
 * </pre>
 */
@ExtendWith(VertxExtension.class)
class CallAnalysesTest {

  private static final String USER = "u-calls";
  private static final Window APRIL_1_TO_2 = new Window("2025-04-01", "2025-04-02", 2);
  private static final String CLAUDE = "claude-sonnet-4-6";

  private static UsageDatabase db;
  private static CallAnalyses calls;

  @BeforeAll
  static void setUp(Vertx vertx) {
    db = UsageDatabase.start(vertx);
    calls = new CallAnalyses(db.pool());
    List<TestRow> rows = new ArrayList<>(List.of(
        chat("2025-04-01T10:00:00Z").tokens(1000, 50).cache(0, 500).hash("h1").latency(400).cost(0.10),
        chat("2025-04-01T10:05:00Z").tokens(1000, 50).cache(800, 0).hash("h1").latency(600).cost(0.04),
        chat("2025-04-01T10:10:00Z").tokens(3000, 50).cache(800, 0).hash("h2").latency(800).cost(0.20),
        chat("2025-04-02T11:00:00Z").tokens(1000, 50).cache(800, 0).hash("h1").latency(500).cost(0.05),
        chat("2025-04-02T11:10:00Z").tokens(200, 50).latency(300).cost(0.01),
        chat("2025-04-02T11:20:00Z").tokens(1000, 0).status("error").hash("h1").cost(0.03),
        chat("2025-04-02T11:40:00Z").tokens(1000, 0).status("timeout").cost(0.03),
        chat("2025-04-02T11:50:00Z").status("rate_limited").cost(0.0),
        chat("2025-04-01T10:30:00Z").tokens(1000, 0).status("error").cost(0.02),
        chat("2025-04-03T00:00:00Z").tokens(1000, 0).status("error").cost(5.0)));
    for (int i = 0; i < 18; i++) {
      rows.add(writer("2025-04-01T09:%02d:00Z".formatted(i)).tokens(2000, 100).maxTokens(1000).finish("stop")
          .latency(1000 + 10 * i).cost(0.01));
    }
    rows.add(writer("2025-04-01T09:18:00Z").tokens(2000, 100).maxTokens(100).finish("length").latency(1180).cost(0.02));
    rows.add(writer("2025-04-01T09:19:00Z").tokens(2000, 500).maxTokens(1000).finish("stop").latency(5000).cost(0.05));
    rows.add(writer("2025-04-01T09:30:00Z").tokens(2000, 0).maxTokens(1000).status("error").cost(0.005));
    rows.add(digest("2025-04-01T02:00:00Z").batch().cost(0.01));
    rows.add(digest("2025-04-01T02:30:00Z").cost(0.02));
    rows.add(digest("2025-04-02T03:00:00Z").cost(0.03));
    rows.add(digest("2025-04-02T23:59:00Z").cost(null));
    // Shuffled: no analysis may depend on insertion order.
    Collections.shuffle(rows, new java.util.Random(7));
    UsageWriter writer = db.writer();
    writer.write(USER, "test", "csv", rows.stream().map(TestRow::record).toList()).await();
    writer.write("u-calls-other", "test", "csv", List.of(
        chat("2025-04-01T10:00:00Z").tokens(1000, 0).status("error").hash("h1").cost(1.0).record())).await();
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static TestRow chat(String ts) {
    return TestRow.at(ts);
  }

  private static TestRow writer(String ts) {
    return TestRow.at(ts).feature("writer").model("anthropic", CLAUDE);
  }

  private static TestRow digest(String ts) {
    return TestRow.at(ts).feature("digest").model("openai", "gpt-5.4-mini").tokens(100, 10);
  }

  @Test
  void cacheUseRatiosReadsToInputAndTakesInputPercentilesOfSuccessfulCalls(VertxTestContext ctx) {
    // chat: input 1000+1000+3000+1000+200+1000+1000+0+1000 = 9200, reads 2400 → 0.260870;
    // ok inputs 200, 1000, 1000, 1000, 3000 → p05 = 1st = 200, p50 = 3rd = 1000.
    calls.cacheUse(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(groups -> ctx.verify(() -> {
      assertEquals(List.of(
          new CacheUse("chat", "openai", "gpt-5.4", 9, 9_200, 2_400, 500, 250, 0.26087, 200, 1_000, 0.48),
          new CacheUse("writer", "anthropic", CLAUDE, 21, 42_000, 0, 0, 2_400, 0.0, 2_000, 2_000, 0.255),
          new CacheUse("digest", "openai", "gpt-5.4-mini", 4, 400, 0, 0, 40, 0.0, 100, 100, 0.06)), groups);
      ctx.completeNow();
    })));
  }

  @Test
  void failuresCountEachKindTheirCostAndTheBusiestFailureHour(VertxTestContext ctx) {
    // chat: 2 errors, 1 timeout, 1 rate limited = $0.08; 11:00 on 04-02 holds three of them.
    calls.failures(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(groups -> ctx.verify(() -> {
      assertEquals(List.of(
          new FailureWaste("chat", "openai", "gpt-5.4", 9, 4, 2, 1, 1, 0.08, 0.48, "2025-04-02T11", 3),
          new FailureWaste("writer", "anthropic", CLAUDE, 21, 1, 1, 0, 0, 0.005, 0.255, "2025-04-01T09", 1)),
          groups);
      ctx.completeNow();
    })));
  }

  @Test
  void outputUseFindsTruncationsAndRunawaysBeyondTwiceTheP95(VertxTestContext ctx) {
    // writer: max_tokens 100 once and 1000 twenty times → median 1000; ok outputs nineteen × 100 and
    // one 500 → p50 = 10th = 100, p95 = 19th = 100; 500 > 2 × 100 runs away by 300.
    calls.outputUse(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(groups -> ctx.verify(() -> {
      assertEquals(List.of(
          new OutputUse("chat", "openai", "gpt-5.4", 9, null, 50, 50, 0, 0.0, 0, 0, 0.48),
          new OutputUse("writer", "anthropic", CLAUDE, 21, 1_000, 100, 100, 1, 0.02, 1, 300, 0.255),
          new OutputUse("digest", "openai", "gpt-5.4-mini", 4, null, 10, 10, 0, 0.0, 0, 0, 0.06)), groups);
      ctx.completeNow();
    })));
  }

  @Test
  void duplicatesCountSuccessfulCallsRepeatingAnEarlierPrompt(VertxTestContext ctx) {
    // chat: hashed ok calls c1, c2, c3, c4; h1 first at c1, so c2 ($0.04) and c4 ($0.05) repeat it.
    calls.duplicates(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(groups -> ctx.verify(() -> {
      assertEquals(List.of(new DuplicateUse("chat", "openai", "gpt-5.4", 4, 2, 2, 0.09, 0.48)), groups);
      ctx.completeNow();
    })));
  }

  @Test
  void latencyPercentilesCoverSuccessfulCallsWithALatency(VertxTestContext ctx) {
    // claude: 1000 … 1180 and 5000 → p50 = 10th = 1090, p95 = 19th = 1180; gpt-5.4: 300, 400, 500,
    // 600, 800 → p50 = 500, p95 = 800; gpt-5.4-mini has no latency and is left out.
    calls.latency(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(models -> ctx.verify(() -> {
      assertEquals(List.of(
          new LatencyStats("anthropic", CLAUDE, 20, 1_090, 1_180),
          new LatencyStats("openai", "gpt-5.4", 5, 500, 800)), models);
      ctx.completeNow();
    })));
  }

  @Test
  void batchUseCountsCallsPerUtcHourAndTheCostOfNonBatchCalls(VertxTestContext ctx) {
    calls.batchUse(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(groups -> ctx.verify(() -> {
      assertEquals(List.of(
          new BatchUse("chat", "openai", "gpt-5.4", 9, 0, 0.48, 0.48, hours(10, 4, 11, 5)),
          new BatchUse("writer", "anthropic", CLAUDE, 21, 0, 0.255, 0.255, hours(9, 21)),
          new BatchUse("digest", "openai", "gpt-5.4-mini", 4, 1, 0.05, 0.06, hours(2, 2, 3, 1, 23, 1))), groups);
      ctx.completeNow();
    })));
  }

  @Test
  void qualityCountsRowsLackingWhatTheAnalysesNeed(VertxTestContext ctx) {
    // 34 rows; unpriced: the last digest call; no tokens: f3; no latency: writer's error, f1–f4 and
    // the 4 digest calls = 9; no hash: 21 writer + c5, f2, f3, f4 + 4 digest = 29; no max_tokens:
    // 9 chat + 4 digest = 13; no finish reason: writer's error + 9 chat + 4 digest = 14.
    new UsageAggregates(db.pool()).quality(USER, APRIL_1_TO_2).onComplete(ctx.succeeding(quality -> ctx.verify(() -> {
      assertEquals(new Quality(34, 1, 1, 9, 29, 13, 14, List.of()), quality);
      ctx.completeNow();
    })));
  }

  /** 24 hourly counts from (hour, count) pairs, zero elsewhere. */
  private static List<Long> hours(int... hourCounts) {
    Long[] counts = new Long[24];
    java.util.Arrays.fill(counts, 0L);
    for (int i = 0; i < hourCounts.length; i += 2) {
      counts[hourCounts[i]] = (long) hourCounts[i + 1];
    }
    return List.of(counts);
  }
}
