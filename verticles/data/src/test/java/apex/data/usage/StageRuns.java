package apex.data.usage;

import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunRef;
import apex.runtime.TestServices;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.stage.StageWork;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The data stage's runs as the verticle shows them, on the test Redis: a {@link StageWork} per run,
 * and the tools a run completed, read back from the run's event log.
 */
final class StageRuns {
  private final RedisAPI redis;
  private final RunEventEmitter emitter;

  private StageRuns(Vertx vertx, RedisAPI redis) {
    this.redis = redis;
    this.emitter = new RunEventEmitter(vertx, redis);
  }

  static StageRuns start(Vertx vertx) {
    return new StageRuns(vertx, RedisStore.api(vertx, TestServices.config()));
  }

  RedisAPI redis() {
    return redis;
  }

  static String newRunId() {
    return "run-" + UUID.randomUUID();
  }

  StageWork work(String runId, String userId) {
    return new StageWork(emitter, new RunRef(runId, "thread-" + runId, userId), Agent.DATA);
  }

  /** The {@code tool_completed} events of a run, in seq order, once all it emitted are placed. */
  Future<List<JsonObject>> completedTools(String runId) {
    return emitter.settled(runId).compose(v -> redis.zrange(List.of(RunEventEmitter.logKey(runId), "0", "-1")))
        .map(entries -> {
          List<JsonObject> tools = new ArrayList<>();
          for (Response entry : entries) {
            JsonObject event = new JsonObject(entry.toString());
            if (EventType.TOOL_COMPLETED.wire().equals(event.getString("type"))) {
              tools.add(event);
            }
          }
          return tools;
        });
  }

  Future<List<String>> toolNames(String runId) {
    return completedTools(runId).map(events -> events.stream().map(e -> e.getString("tool")).toList());
  }
}
