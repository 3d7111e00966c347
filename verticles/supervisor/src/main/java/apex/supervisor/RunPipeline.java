package apex.supervisor;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunRef;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.Entities;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import apex.runtime.bus.BusCalls;
import apex.runtime.bus.Guarded;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drives one run through the stages in order, each behind its breaker: triage decides the plan,
 * then data → optimizer → report (or straight to report when there is no data). Each stage result
 * is persisted as it lands; the supervisor shows a card of its own and one per stage.
 */
final class RunPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);
  private static final int DEFAULT_WINDOW_DAYS = 30;

  private final BusCalls calls;
  private final RunEventEmitter emitter;
  private final ChatStore store;
  private final RunRef run;
  private final String question;
  private final long startedNanos = System.nanoTime();
  private final List<String> degradedNotes = new ArrayList<>();
  private volatile boolean cancelled;

  RunPipeline(BusCalls calls, RunEventEmitter emitter, ChatStore store, RunRef run, String question) {
    this.calls = calls;
    this.emitter = emitter;
    this.store = store;
    this.run = run;
    this.question = question;
  }

  RunRef run() {
    return run;
  }

  void cancel() {
    cancelled = true;
  }

  Future<Void> execute() {
    StageWork supervisor = new StageWork(emitter, run, Agent.SUPERVISOR);
    return emit(Agent.SUPERVISOR, EventType.AGENT_STARTED, new JsonObject().put("stage_index", 0)
            .put("plan", List.of("triage", "data", "optimizer", "report")))
        .compose(v -> supervisor.tool("thread_context", new JsonObject().put("thread_id", run.threadId()),
            () -> store.messageCount(run.threadId()), n -> new JsonObject().put("messages", n)))
        .compose(n -> supervisor.think("Asking triage what you need and whether your usage data can answer it.", 0.05))
        .compose(v -> stage(Agent.TRIAGE, 1, Addresses.STAGE_TRIAGE, new StageRequest(run, question, null, null, null),
            json -> ContractJson.fromJson(json, TriageResult.class), "default-plan", this::defaultPlan,
            t -> new JsonObject().put("intent", t.intent()).put("data_sufficiency", t.dataSufficiency())
                .put("rows_in_window", t.rowsInWindow()).put("window", t.window().toJson())))
        .compose(triage -> TriageResult.INSUFFICIENT.equals(triage.dataSufficiency())
            ? skip(Agent.DATA, 2).compose(v -> skip(Agent.OPTIMIZER, 3)).compose(v -> report(triage, null, null))
            : analyse(supervisor, triage))
        .compose(report -> finish(report))
        .mapEmpty();
  }

  private Future<ReportResult> analyse(StageWork supervisor, TriageResult triage) {
    return supervisor.think("Triage found " + triage.rowsInWindow() + " usage rows from " + triage.window().from()
            + " to " + triage.window().to() + "; running the analysis.", 0.25)
        .compose(v -> stage(Agent.DATA, 2, Addresses.STAGE_DATA, new StageRequest(run, question, triage, null, null),
            json -> ContractJson.fromJson(json, DataResult.class), null, null,
            d -> new JsonObject().put("requests", d.totals().requests()).put("cost_usd", d.totals().costUsd())
                .put("models", d.byModel().size()).put("features", d.byFeature().size())))
        .compose(data -> stage(Agent.OPTIMIZER, 3, Addresses.STAGE_OPTIMIZER,
                new StageRequest(run, question, triage, data, null),
                json -> ContractJson.fromJson(json, OptimizerResult.class), null, null,
                o -> new JsonObject().put("recommendations", o.recommendations().size())
                    .put("total_monthly_savings_usd", o.totalMonthlySavingsUsd()))
            .compose(optimizer -> report(triage, data, optimizer)));
  }

  private Future<ReportResult> report(TriageResult triage, DataResult data, OptimizerResult optimizer) {
    return stage(Agent.REPORT, 4, Addresses.STAGE_REPORT, new StageRequest(run, question, triage, data, optimizer),
        json -> ContractJson.fromJson(json, ReportResult.class), null, null,
        r -> new JsonObject().put("markdown_chars", r.markdown().length())
            .put("recommendations", r.report().recommendations().size()));
  }

  /** One stage: its card opens, the guarded call runs, the result is persisted, the card closes. */
  private <T> Future<T> stage(Agent agent, int index, String address, StageRequest request,
                              Function<JsonObject, T> reader, String fallbackName,
                              Function<Throwable, Future<T>> fallback, Function<T, JsonObject> summary) {
    if (cancelled) {
      return Future.failedFuture(new RunCancelled());
    }
    long started = System.nanoTime();
    DeliveryOptions options = new DeliveryOptions();
    // The call starts only once agent_started is placed, so the stage's own events follow it.
    Supplier<Future<Guarded<T>>> call = () -> fallback == null
        ? calls.request(agent.wire(), address, request.toJson(), options).map(json -> Guarded.ok(reader.apply(json)))
        : calls.request(agent.wire(), address, request.toJson(), options, reader, fallbackName, fallback);
    return emit(agent, EventType.AGENT_STARTED, new JsonObject().put("stage_index", index))
        .compose(v -> call.get())
        .compose(guarded -> {
          if (guarded.degraded()) {
            degradedNotes.add(agent.wire() + ": " + guarded.reason() + " — used " + guarded.fallback());
            LOG.warn("run {} stage {} degraded: {}", run.runId(), agent.wire(), guarded.reason());
          }
          JsonObject result = summary.apply(guarded.value());
          JsonObject completed = new JsonObject()
              .put("status", guarded.degraded() ? "degraded" : "ok")
              .put("duration_ms", (System.nanoTime() - started) / 1_000_000)
              .put("result", result);
          if (guarded.degraded()) {
            completed.put("reason", guarded.reason());
          }
          return store.saveStage(run.runId(), agent.wire(), new JsonObject()
                  .put("status", completed.getString("status"))
                  .put("duration_ms", completed.getLong("duration_ms"))
                  .put("output", ContractJson.toJson(guarded.value())))
              .compose(v -> emit(agent, EventType.AGENT_COMPLETED, completed))
              .map(guarded.value());
        });
  }

  private Future<Void> skip(Agent agent, int index) {
    return emit(agent, EventType.AGENT_STARTED, new JsonObject().put("stage_index", index))
        .compose(v -> emit(agent, EventType.AGENT_COMPLETED, new JsonObject().put("status", "skipped")
            .put("duration_ms", 0).put("result", new JsonObject()).put("reason", "no usage data in the window")))
        .mapEmpty();
  }

  /** Triage's named fallback: analyse costs over the last 30 days and let the data stage tell. */
  private Future<TriageResult> defaultPlan(Throwable cause) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Window window = new Window(today.minusDays(DEFAULT_WINDOW_DAYS - 1L).toString(), today.toString(), DEFAULT_WINDOW_DAYS);
    return Future.succeededFuture(new TriageResult("cost_analysis", Entities.none(),
        window, TriageResult.PARTIAL, 0, 0.3, List.of("data", "optimizer", "report"), "default-plan"));
  }

  private Future<Void> finish(ReportResult report) {
    if (cancelled) {
      return Future.failedFuture(new RunCancelled());
    }
    boolean degraded = !degradedNotes.isEmpty();
    long duration = (System.nanoTime() - startedNanos) / 1_000_000;
    return store.complete(run.runId(), run.threadId(), run.userId(), report.markdown(), degraded)
        .compose(v -> emit(Agent.SUPERVISOR, EventType.AGENT_COMPLETED, new JsonObject()
            .put("status", degraded ? "degraded" : "ok").put("duration_ms", duration)
            .put("result", new JsonObject().put("stages", 4).put("degraded_notes", degradedNotes))))
        .compose(v -> emit(Agent.SUPERVISOR, EventType.RUN_COMPLETED, new JsonObject()
            .put("final_response", report.markdown())
            .put("report", report.report().toJson())
            .put("degraded", degraded)))
        .mapEmpty();
  }

  /** Ends the run as failed (or cancelled): persisted first, then shown. */
  Future<Void> fail(Throwable cause) {
    boolean wasCancelled = cause instanceof RunCancelled;
    String wire = wasCancelled ? "cancelled" : cause instanceof TimeoutFailure ? "timeout" : ErrorCode.of(cause).wire();
    String message = wasCancelled ? "Stopped at your request." : cause.getMessage();
    LOG.warn("run {} failed: {} {}", run.runId(), wire, message);
    return store.fail(run.runId(), wasCancelled ? "cancelled" : "failed", wire, message)
        .transform(v -> emit(Agent.SUPERVISOR, EventType.RUN_FAILED, new JsonObject().put("code", wire)
            .put("message", message == null ? wire : message)))
        .mapEmpty();
  }

  private Future<Void> emit(Agent agent, EventType type, JsonObject fields) {
    return emitter.emit(run, agent, type, fields).mapEmpty();
  }

  static final class RunCancelled extends RuntimeException {
    RunCancelled() {
      super("cancelled", null, false, false);
    }
  }

  static final class TimeoutFailure extends RuntimeException {
    TimeoutFailure(long ms) {
      super("The run did not finish within " + ms + " ms", null, false, false);
    }
  }

}
