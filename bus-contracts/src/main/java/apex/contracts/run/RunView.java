package apex.contracts.run;

import apex.contracts.Contract;
import io.vertx.core.json.JsonObject;

/** A persisted run: status, timings and the result of each finished stage, keyed by agent. */
public record RunView(String runId, String threadId, String status, boolean degraded, String createdAt,
                      String finishedAt, Long durationMs, JsonObject stages, String errorCode, String errorMessage)
    implements Contract {}
