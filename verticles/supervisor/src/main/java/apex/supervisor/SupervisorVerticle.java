package apex.supervisor;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.run.OwnedQuery;
import apex.contracts.run.RunAccepted;
import apex.contracts.run.RunRef;
import apex.contracts.run.RunView;
import apex.contracts.run.StartRun;
import apex.contracts.run.ThreadSummary;
import apex.runtime.ApexVerticle;
import apex.runtime.events.RunEventEmitter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns threads, messages and runs. {@code start} stores the question and the run, acknowledges at
 * once, then drives the pipeline; a run that outlives {@code runs.timeout_ms} fails with
 * {@code timeout}; {@code stop} cancels it between stages.
 */
public class SupervisorVerticle extends ApexVerticle {
  private ChatStore store;
  private RunEventEmitter emitter;
  private final Map<String, RunPipeline> active = new HashMap<>();

  public SupervisorVerticle() {
    super("supervisor", Addresses.SUPERVISOR_START);
  }

  @Override
  protected Future<?> startService() {
    emitter = emitter();
    vertx.eventBus().<JsonObject>consumer(Addresses.SUPERVISOR_STOP, message -> stop(message.body()));
    return postgres("chat")
        .onSuccess(pool -> store = new ChatStore(pool))
        .compose(v -> Future.all(List.of(
            serve(Addresses.SUPERVISOR_START, this::start),
            serve(Addresses.SUPERVISOR_THREADS, this::threads),
            serve(Addresses.SUPERVISOR_THREAD, body -> {
              OwnedQuery q = ContractJson.fromJson(body, OwnedQuery.class);
              return store.thread(q.userId(), q.id());
            }),
            serve(Addresses.SUPERVISOR_RUN, body -> {
              OwnedQuery q = ContractJson.fromJson(body, OwnedQuery.class);
              return store.run(q.userId(), q.id()).map(RunView::toJson);
            }))));
  }

  private Future<JsonObject> start(JsonObject body) {
    List<String> problems = Schemas.get().problems(Schemas.START_RUN, body);
    if (!problems.isEmpty()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(String.join("; ", problems)));
    }
    StartRun start = ContractJson.fromJson(body, StartRun.class);
    if (start.text().isBlank()) {
      return Future.failedFuture(ErrorCode.EMPTY_MESSAGE.failure("text: the message is empty"));
    }
    return store.existingRun(start).compose(existing -> existing
        .map(Future::succeededFuture)
        .orElseGet(() -> store.createRun(start, settings.integer("limits.concurrent_runs_per_user"),
                settings.number("runs.timeout_ms"))
            .onSuccess(accepted -> launch(start, accepted))))
        .map(RunAccepted::toJson);
  }

  /** Runs after the reply is on its way, so {@code run_accepted} reaches the browser first. */
  private void launch(StartRun start, RunAccepted accepted) {
    RunRef run = new RunRef(accepted.runId(), accepted.threadId(), start.userId());
    RunPipeline pipeline = new RunPipeline(calls, emitter, store, run, start.text());
    active.put(run.runId(), pipeline);
    AtomicBoolean settled = new AtomicBoolean();
    long timeoutMs = settings.number("runs.timeout_ms");
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (settled.compareAndSet(false, true)) {
        pipeline.cancel();
        pipeline.fail(new RunPipeline.TimeoutFailure(timeoutMs)).onComplete(v -> active.remove(run.runId()));
      }
    });
    vertx.runOnContext(v -> pipeline.execute().onComplete(done -> {
      vertx.cancelTimer(timer);
      if (settled.compareAndSet(false, true)) {
        Future<Void> end = done.succeeded() ? Future.succeededFuture() : pipeline.fail(done.cause());
        end.onComplete(x -> active.remove(run.runId()));
      }
    }));
  }

  private void stop(JsonObject body) {
    OwnedQuery query = ContractJson.fromJson(body, OwnedQuery.class);
    RunPipeline pipeline = active.get(query.id());
    if (pipeline != null && pipeline.run().userId().equals(query.userId())) {
      pipeline.cancel();
    }
  }

  private Future<JsonObject> threads(JsonObject body) {
    String userId = body.getString("user_id");
    if (userId == null || userId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("user_id: required"));
    }
    return store.threads(userId).map(list -> new JsonObject()
        .put("threads", list.stream().map(ThreadSummary::toJson).toList()));
  }
}
