package apex.bridge;

import apex.contracts.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /api/runs/{id}/report}: the report stage's result out of the caller's persisted run
 * (the supervisor stores each stage's output as it lands). A run without one yet is a conflict
 * that says why: still running, or ended before the report was written.
 */
final class RunReport {
  private RunReport() {}

  /** {@code run} is a {@code RunView} the supervisor answered for the caller. */
  static Future<JsonObject> of(JsonObject run) {
    JsonObject stages = run.getJsonObject("stages", new JsonObject());
    JsonObject report = stages.getJsonObject("report", new JsonObject()).getJsonObject("output");
    if (report == null) {
      return Future.failedFuture(ErrorCode.CONFLICT.failure(noReport(run)));
    }
    return Future.succeededFuture(new JsonObject()
        .put("run_id", run.getString("run_id"))
        .put("thread_id", run.getString("thread_id"))
        .put("status", run.getString("status"))
        .put("degraded", run.getBoolean("degraded", false))
        .put("markdown", report.getString("markdown"))
        .put("report", report.getJsonObject("report")));
  }

  private static String noReport(JsonObject run) {
    String id = run.getString("run_id");
    String status = run.getString("status");
    if ("running".equals(status)) {
      return "run " + id + " has no report yet: it is still running; fetch it again after run_completed";
    }
    String error = run.getString("error_code") == null ? ""
        : " (" + run.getString("error_code") + ": " + run.getString("error_message") + ")";
    return "run " + id + " has no report: it ended " + status + error + " before the report was written";
  }
}
