package apex.bridge;

import apex.contracts.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code GET /api/runs/{id}/report} answers for each state of a persisted run. */
class RunReportTest {
  private static final JsonObject REPORT = new JsonObject().put("markdown", "# Report\n")
      .put("report", new JsonObject().put("title", "LLM spend analysis").put("window_spend_usd", 49.5));

  private static JsonObject run(String status, JsonObject stages) {
    return new JsonObject().put("run_id", "r-1").put("thread_id", "t-1").put("status", status).put("degraded", false)
        .put("stages", stages);
  }

  @Test
  void aRunWithAReportAnswersItsMarkdownAndReport() {
    JsonObject stages = new JsonObject().put("report", new JsonObject().put("status", "ok").put("output", REPORT));
    JsonObject answer = RunReport.of(run("completed", stages)).result();
    assertEquals(new JsonObject().put("run_id", "r-1").put("thread_id", "t-1").put("status", "completed")
        .put("degraded", false).put("markdown", "# Report\n").put("report", REPORT.getJsonObject("report")), answer);
  }

  @Test
  void aRunStillRunningIsAConflictThatSaysSo() {
    Future<JsonObject> answer = RunReport.of(run("running", new JsonObject().put("triage", new JsonObject())));
    assertConflict(answer, "run r-1 has no report yet: it is still running");
  }

  @Test
  void aRunThatEndedWithoutAReportIsAConflictNamingWhy() {
    JsonObject failed = run("failed", new JsonObject()).put("error_code", "timeout")
        .put("error_message", "The run did not finish within 120000 ms");
    assertConflict(RunReport.of(failed),
        "run r-1 has no report: it ended failed (timeout: The run did not finish within 120000 ms)");
  }

  private static void assertConflict(Future<JsonObject> answer, String message) {
    assertTrue(answer.failed());
    ReplyException failure = (ReplyException) answer.cause();
    assertEquals(ErrorCode.CONFLICT, ErrorCode.of(failure));
    assertTrue(failure.getMessage().startsWith(message), failure.getMessage());
  }
}
