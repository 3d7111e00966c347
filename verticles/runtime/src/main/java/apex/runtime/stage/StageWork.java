package apex.runtime.stage;

import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunRef;
import apex.runtime.events.RunEventEmitter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a stage shows while it works on one run: its thinking, and each tool call as a
 * {@code tool_executing} / {@code tool_completed} pair with the call's duration and a summary of
 * its result. The events leave in the order asked for ({@link RunEventEmitter}); the work does not
 * wait for them to be placed, and whoever hands the run on waits for {@link RunEventEmitter#settled}.
 */
public final class StageWork {
  private final RunEventEmitter emitter;
  private final RunRef run;
  private final Agent agent;

  public StageWork(RunEventEmitter emitter, RunRef run, Agent agent) {
    this.emitter = emitter;
    this.run = run;
    this.agent = agent;
  }

  /** Work done for no run (a cache filled ahead of the questions): it shows nothing. */
  public static StageWork unseen() {
    return new StageWork(null, null, null);
  }

  public Future<Void> think(String reasoning, double progress) {
    show(EventType.AGENT_THINKING, new JsonObject().put("reasoning", reasoning).put("progress", progress));
    return Future.succeededFuture();
  }

  public <T> Future<T> tool(String tool, JsonObject parameters, Supplier<Future<T>> work,
                            Function<T, JsonObject> summary) {
    String callId = tool + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000);
    long started = System.nanoTime();
    show(EventType.TOOL_EXECUTING,
        new JsonObject().put("tool", tool).put("tool_call_id", callId).put("parameters", parameters));
    return Future.<Void>succeededFuture().compose(v -> work.get())
        .map(result -> {
          show(EventType.TOOL_COMPLETED, new JsonObject()
              .put("tool", tool)
              .put("tool_call_id", callId)
              .put("duration_ms", (System.nanoTime() - started) / 1_000_000)
              .put("result", summary.apply(result)));
          return result;
        });
  }

  private void show(EventType type, JsonObject fields) {
    if (emitter != null) {
      emitter.emit(run, agent, type, fields);
    }
  }
}
