package apex.supervisor;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunRef;
import apex.contracts.stage.AnomalyResult;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.runtime.bus.BusCalls;
import apex.runtime.bus.Guarded;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.stage.StageWork;
import apex.runtime.storage.Postgres;
import apex.runtime.trace.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Drives one run through the stages in order, each behind its breaker and with its named fallback:
 * triage decides the plan, then data → optimizer → report (or straight to report when there is no
 * data). Each stage result is persisted as it lands, under the supervisor's lease; a pipeline built
 * for an adopted run starts from those results and asks only the stages not yet done. A pipeline
 * whose run was released (handed over, or its lease lost) stops silently at its next step: the run
 * is someone else's. With {@code stages.anomaly.enabled}, the anomaly stage (served from outside the
 * JVM, docs/POLYGLOT.md) is asked between data and optimizer, and its days are the ones they use.
 */
final class RunPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);
  private static final List<Agent> STAGES = List.of(Agent.TRIAGE, Agent.DATA, Agent.OPTIMIZER, Agent.REPORT);
  /** The optional anomaly stage: its breaker's name and its key among the persisted stage results. */
  static final String ANOMALY = "anomaly";

  /** A stage that fell back: which, to what, and why; shown on its card, in the answer and in run_completed. */
  record Degradation(String agent, String fallback, String reason) {
    String note() {
      return agent + ": " + reason + " — used " + fallback;
    }

    JsonObject toJson() {
      return new JsonObject().put("agent", agent).put("fallback", fallback).put("reason", reason);
    }
  }

  private final BusCalls calls;
  private final RunEventEmitter emitter;
  private final ChatStore store;
  private final RunRef run;
  private final String question;
  private final String owner;
  private final boolean anomalyStage;
  /** Persisted stage results, by agent: from an earlier supervisor when adopted, then as they land. */
  private final JsonObject done;
  private final String adoptedFrom;
  private final long startedNanos = System.nanoTime();
  /** The run's W3C trace: its id is the run id's, each stage request a new hop (header traceparent). */
  private final TraceContext trace;
  /** How the run ended here, for apex_runs_total{outcome}; null while it runs or once released. */
  private volatile String outcome;
  private final List<Degradation> degraded = new ArrayList<>();
  /**
   * Stage answers by identity, with the JSON they arrived as (over the bus, or persisted): the stage
   * rows, the run's end and the anomaly stage's request (JSON, it is outside the JVM) reuse it
   * instead of writing the record out again.
   */
  private final Map<Object, JsonObject> arrivedAs = new IdentityHashMap<>();
  private volatile boolean cancelled;
  private volatile boolean released;
  /** The record of an end shown while PostgreSQL was away; null when there is none to make. */
  private Supplier<Future<Boolean>> unrecordedEnd;
  /** The stage being asked, the node its events come from, and how to ask it again (on the supervisor's context). */
  private String askedAgent;
  private String servingNode;
  private List<String> membersAtAsk = List.of();
  private Supplier<List<String>> members = List::of;
  private Runnable askAgain;

  private RunPipeline(BusCalls calls, RunEventEmitter emitter, ChatStore store, RunRef run, String question, String owner,
                      boolean anomalyStage, JsonObject done, String adoptedFrom) {
    this.calls = calls;
    this.emitter = emitter;
    this.store = store;
    this.run = run;
    this.question = question;
    this.owner = owner;
    this.anomalyStage = anomalyStage;
    this.done = done;
    this.adoptedFrom = adoptedFrom;
    this.trace = TraceContext.forRun(run.runId());
    Stream.concat(STAGES.stream().map(Agent::wire), Stream.of(ANOMALY)).forEach(key -> {
      JsonObject kept = done.getJsonObject(key);
      if (kept != null && "degraded".equals(kept.getString("status"))) {
        degraded.add(new Degradation(key, kept.getString("fallback"), kept.getString("reason")));
      }
    });
  }

  static RunPipeline fresh(BusCalls calls, RunEventEmitter emitter, ChatStore store, RunRef run, String question,
                           String owner, boolean anomalyStage) {
    return new RunPipeline(calls, emitter, store, run, question, owner, anomalyStage, new JsonObject(), null);
  }

  /** A run taken over from {@code previousOwner}, continuing after the stages in {@code stages}. */
  static RunPipeline adopted(BusCalls calls, RunEventEmitter emitter, ChatStore store, RunRef run, String question,
                             String owner, boolean anomalyStage, JsonObject stages, String previousOwner) {
    return new RunPipeline(calls, emitter, store, run, question, owner, anomalyStage, stages.copy(),
        previousOwner == null ? "a supervisor that stopped" : previousOwner);
  }

  RunRef run() {
    return run;
  }

  void cancel() {
    cancelled = true;
  }

  /** The run is no longer this pipeline's (handed over or adopted elsewhere): no further event or write. */
  void release() {
    released = true;
  }

  boolean released() {
    return released;
  }

  /** {@code completed}, {@code degraded}, {@code failed}, {@code cancelled} or {@code timeout}; null if not ended here. */
  String outcome() {
    return released ? null : outcome;
  }

  long elapsedNanos() {
    return System.nanoTime() - startedNanos;
  }

  Future<Void> execute() {
    return open()
        .compose(v -> stage(Agent.TRIAGE, 1, Addresses.STAGE_TRIAGE, new StageRequest(run, question, null, null, null),
            json -> ContractJson.fromJson(json, TriageResult.class), StageFallbacks.DEFAULT_PLAN,
            e -> Future.succeededFuture(StageFallbacks.defaultPlan()),
            t -> new JsonObject().put("intent", t.intent()).put("data_sufficiency", t.dataSufficiency())
                .put("rows_in_window", t.rowsInWindow()).put("window", t.window().toJson())))
        .compose(triage -> TriageResult.INSUFFICIENT.equals(triage.dataSufficiency())
            ? skip(Agent.DATA, 2).compose(v -> skip(Agent.OPTIMIZER, 3)).compose(v -> report(triage, null, null))
            : analyse(triage))
        .compose(this::finish);
  }

  /** A fresh run opens the supervisor's card; an adopted one says where it picks up. */
  private Future<Void> open() {
    StageWork supervisor = new StageWork(emitter, run, Agent.SUPERVISOR);
    if (adoptedFrom != null) {
      String next = STAGES.stream().filter(a -> !done.containsKey(a.wire())).map(Agent::wire).findFirst().orElse("the answer");
      return supervisor.think("Picked this run up after " + adoptedFrom + " stopped driving it; continuing from "
          + next + ".", 0.05);
    }
    return emit(Agent.SUPERVISOR, EventType.AGENT_STARTED, new JsonObject().put("stage_index", 0)
            .put("plan", List.of("triage", "data", "optimizer", "report")))
        .compose(v -> supervisor.tool("thread_context", new JsonObject().put("thread_id", run.threadId()),
            () -> store.messageCount(run.threadId()), n -> new JsonObject().put("messages", n)))
        .compose(n -> supervisor.think("Asking triage what you need and whether your usage data can answer it.", 0.05));
  }

  private Future<ReportResult> analyse(TriageResult triage) {
    Future<Void> thought = done.containsKey(Agent.DATA.wire()) ? Future.succeededFuture()
        : new StageWork(emitter, run, Agent.SUPERVISOR).think("Triage found " + triage.rowsInWindow()
            + " usage rows from " + triage.window().from() + " to " + triage.window().to() + "; running the analysis.", 0.25);
    return thought
        .compose(v -> stage(Agent.DATA, 2, Addresses.STAGE_DATA, new StageRequest(run, question, triage, null, null),
            json -> ContractJson.fromJson(json, DataResult.class), StageFallbacks.LAST_AGGREGATES,
            e -> store.lastAggregates(run.userId(), triage.window()).compose(kept -> kept
                .map(json -> Future.succeededFuture(ContractJson.fromJson(json, DataResult.class)))
                .orElseGet(() -> Future.failedFuture(ErrorCode.UNAVAILABLE.failure("data is unavailable and no earlier "
                    + "analysis of " + triage.window().from() + " to " + triage.window().to() + " is kept to fall back on")))),
            d -> new JsonObject().put("requests", d.totals().requests()).put("cost_usd", d.totals().costUsd())
                .put("models", d.byModel().size()).put("features", d.byFeature().size())))
        .compose(data -> anomalies(triage, data))
        .compose(data -> stage(Agent.OPTIMIZER, 3, Addresses.STAGE_OPTIMIZER,
                new StageRequest(run, question, triage, data, null),
                json -> ContractJson.fromJson(json, OptimizerResult.class), StageFallbacks.BASIC_RECOMMENDATIONS,
                e -> Future.succeededFuture(StageFallbacks.basicRecommendations(data)),
                o -> new JsonObject().put("recommendations", o.recommendations().size())
                    .put("total_monthly_savings_usd", o.totalMonthlySavingsUsd()))
            .compose(optimizer -> report(triage, data, optimizer)));
  }

  /**
   * The anomaly stage, when enabled: a tool call on the supervisor's card, behind the stage's own
   * breaker. Its days replace the data stage's for the optimizer and the report. When it is absent,
   * failing, refuses the request or answers outside its schema, the data stage's own days stay and
   * the run is degraded with the reason. Its outcome is persisted like a stage's, so a run adopted
   * later does not ask again.
   */
  private Future<DataResult> anomalies(TriageResult triage, DataResult data) {
    if (!anomalyStage) {
      return Future.succeededFuture(data);
    }
    JsonObject kept = done.getJsonObject(ANOMALY);
    if (kept != null) {
      return Future.succeededFuture(data.withAnomalies(
          ContractJson.fromJson(kept.getJsonObject("output"), AnomalyResult.class).anomalies()));
    }
    if (cancelled) {
      return Future.failedFuture(new RunCancelled());
    }
    StageWork supervisor = new StageWork(emitter, run, Agent.SUPERVISOR);
    return supervisor.think("Asking the anomaly stage which days of your spend stand out.", 0.5)
        .compose(v -> supervisor.tool("anomaly_stage", new JsonObject().put("address", Addresses.STAGE_ANOMALY)
                .put("days", data.byDay().size()), () -> askAnomalyStage(triage, data),
            guarded -> new JsonObject()
                .put("source", guarded.degraded() ? guarded.fallback() : Addresses.STAGE_ANOMALY)
                .put("anomalies", guarded.value().anomalies().size())
                .put("days", guarded.value().anomalies().stream().map(DataResult.DayAnomaly::day).toList())
                .put("method", guarded.value().method())))
        .compose(guarded -> persist(ANOMALY, outcome(ANOMALY, guarded).put("output", guarded.value().toJson()))
            .map(v -> data.withAnomalies(guarded.value().anomalies())));
  }

  private Future<Guarded<AnomalyResult>> askAnomalyStage(TriageResult triage, DataResult data) {
    AnomalyResult own = new AnomalyResult(data.anomalies(), StageFallbacks.DATA_ANOMALIES_METHOD);
    // Asked once the supervisor's events so far are placed, so the stage's own events follow them.
    return emitter.settled(run.runId())
        .compose(v -> calls.request(ANOMALY, Addresses.STAGE_ANOMALY,
            json(new StageRequest(run, question, triage, data, null)), new DeliveryOptions(),
            RunPipeline::anomalyResult, StageFallbacks.DATA_ANOMALIES, e -> Future.succeededFuture(own)))
        // A refusal (a 4xx answer) does not trip the breaker, but an optional stage never fails the run.
        .recover(refused -> Future.succeededFuture(new Guarded<>(own, StageFallbacks.DATA_ANOMALIES,
            ANOMALY + " refused the request: " + refused.getMessage())));
  }

  /** The stage runs outside the JVM: its answer is checked against the schema before anything uses it. */
  private static AnomalyResult anomalyResult(JsonObject reply) {
    List<String> problems = Schemas.get().problems(Schemas.ANOMALY_RESULT, reply);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(ANOMALY + " answered outside " + Schemas.ANOMALY_RESULT + ": "
          + String.join("; ", problems));
    }
    return ContractJson.fromJson(reply, AnomalyResult.class);
  }

  private Future<ReportResult> report(TriageResult triage, DataResult data, OptimizerResult optimizer) {
    return stage(Agent.REPORT, 4, Addresses.STAGE_REPORT,
        new StageRequest(run, question, triage, data, optimizer, notes()),
        json -> ContractJson.fromJson(json, ReportResult.class), StageFallbacks.TEMPLATE_REPORT,
        e -> Future.succeededFuture(StageFallbacks.templateReport(question, triage, data, optimizer, notesWith(
            new Degradation(Agent.REPORT.wire(), StageFallbacks.TEMPLATE_REPORT, "report failed: " + e.getMessage())))),
        r -> new JsonObject().put("markdown_chars", r.markdown().length())
            .put("recommendations", r.report().recommendations().size()));
  }

  /**
   * One stage: its card opens, the guarded call runs (or its fallback answers), the result is
   * persisted, the card closes. A stage already persisted (an adopted run) is not asked again.
   */
  private <T> Future<T> stage(Agent agent, int index, String address, StageRequest request,
                              Function<JsonObject, T> reader, String fallbackName,
                              Function<Throwable, Future<T>> fallback, Function<T, JsonObject> summary) {
    Function<JsonObject, T> read = json -> {
      T value = reader.apply(json);
      arrivedAs.put(value, json);
      return value;
    };
    JsonObject kept = done.getJsonObject(agent.wire());
    if (kept != null) {
      return Future.succeededFuture(read.apply(kept.getJsonObject("output")));
    }
    if (cancelled) {
      return Future.failedFuture(new RunCancelled());
    }
    long started = System.nanoTime();
    // Each call starts only once the supervisor's events so far are placed, so the stage's own
    // events follow them, and it carries the run's last seq so the stage numbers after it while
    // Redis is away. Only a fresh run's first call is a first ask: an adopted run's stage may have
    // answered the supervisor that died.
    boolean[] askedBefore = {adoptedFrom != null};
    Supplier<Future<Guarded<T>>> call = () -> {
      DeliveryOptions headers = new DeliveryOptions()
          .addHeader(BusHeaders.FIRST_ASK, String.valueOf(!askedBefore[0]))
          .addHeader(BusHeaders.TRACEPARENT, trace.child().header());
      askedBefore[0] = true;
      // The request goes as the record (ContractCodec): within the JVM nothing is written out.
      return emitter.settled(run.runId()).compose(v -> calls.request(agent.wire(), address, request,
          headers.addHeader(BusHeaders.RUN_SEQ, String.valueOf(emitter.lastSeq(run.runId()))),
          read, fallbackName, fallback));
    };
    return emit(agent, EventType.AGENT_STARTED, new JsonObject().put("stage_index", index))
        .compose(v -> askSurvivingInstance(agent, call))
        .compose(guarded -> {
          JsonObject outcome = outcome(agent.wire(), guarded).put("duration_ms", (System.nanoTime() - started) / 1_000_000);
          JsonObject completed = outcome.copy().put("result", summary.apply(guarded.value()));
          return persist(agent.wire(), outcome.copy().put("output", json(guarded.value())))
              .compose(v -> emit(agent, EventType.AGENT_COMPLETED, completed))
              .map(guarded.value());
        });
  }

  /**
   * Asks the stage; if the node whose events show it working on this run leaves the cluster, asks
   * again at once (another instance answers, or the stored answer if the first got that far) rather
   * than waiting out the call's timeout (30 s for data). The first whole answer wins; a fallback or a
   * failure is taken only from the last attempt still out, so the timeout of a request lost with its
   * node does not overrule the answer asked for again.
   */
  private <T> Future<Guarded<T>> askSurvivingInstance(Agent agent, Supplier<Future<Guarded<T>>> call) {
    Promise<Guarded<T>> answer = Promise.promise();
    int[] out = {1};
    askedAgent = agent.wire();
    servingNode = null;
    membersAtAsk = members.get();
    askAgain = () -> {
      LOG.warn("run {}: the node working on {} left the cluster; asking another instance", run.runId(), agent.wire());
      membersAtAsk = members.get();
      out[0]++;
      new StageWork(emitter, run, Agent.SUPERVISOR).think("The node working on " + agent.wire()
              + " stopped; asking another instance.", 0.5)
          .onComplete(v -> attempt(call, answer, out));
    };
    attempt(call, answer, out);
    return answer.future().onComplete(done -> {
      askedAgent = null;
      servingNode = null;
      membersAtAsk = List.of();
      askAgain = null;
    });
  }

  private static <T> void attempt(Supplier<Future<Guarded<T>>> call, Promise<Guarded<T>> answer, int[] out) {
    call.get().onComplete(done -> {
      out[0]--;
      if (done.succeeded() && (!done.result().degraded() || out[0] == 0)) {
        answer.tryComplete(done.result());
      } else if (done.failed() && out[0] == 0) {
        answer.tryFail(done.cause());
      }
    });
  }

  /** Where the cluster's member list comes from (none on a local event bus). */
  void membersFrom(Supplier<List<String>> source) {
    members = source;
  }

  /** A stage's own event for this run came from {@code node}. */
  void servedBy(String agent, String node) {
    if (agent != null && agent.equals(askedAgent)) {
      servingNode = node;
    }
  }

  /**
   * Asks the stage in progress again when the node working on it is no longer a member; or, while no
   * event has shown which node took the request, when any node that was a member when it was sent
   * has left (the request may have gone to it: then its answer never comes).
   */
  void askAgainIfStageNodeLeft(Predicate<String> isMember) {
    if (askAgain == null) {
      return;
    }
    boolean lost = servingNode != null ? !isMember.test(servingNode)
        : membersAtAsk.stream().anyMatch(node -> !isMember.test(node));
    if (lost) {
      servingNode = null;
      askAgain.run();
    }
  }

  /** A stage's status; when a fallback answered, the run is degraded and the outcome names the fallback and why. */
  private JsonObject outcome(String key, Guarded<?> guarded) {
    JsonObject outcome = new JsonObject().put("status", guarded.degraded() ? "degraded" : "ok");
    if (guarded.degraded()) {
      Degradation d = new Degradation(key, guarded.fallback(), guarded.reason());
      degraded.add(d);
      LOG.warn("run {} stage {} degraded: {}", run.runId(), key, d.note());
      outcome.put("reason", d.reason()).put("fallback", d.fallback());
    }
    return outcome;
  }

  /** A stage answer's JSON: as it arrived, else written out from the record (a fallback's, or one changed since). */
  private JsonObject json(Object answer) {
    JsonObject arrived = arrivedAs.get(answer);
    return arrived != null ? arrived : ContractJson.toJson(answer);
  }

  /** A stage request's JSON (for the anomaly stage), the earlier answers in it as they arrived. */
  private JsonObject json(StageRequest request) {
    JsonObject json = new StageRequest(request.run(), request.question(), null, null, null, request.degradedNotes())
        .toJson();
    if (request.triage() != null) {
      json.put("triage", json(request.triage()));
    }
    if (request.data() != null) {
      json.put("data", json(request.data()));
    }
    if (request.optimizer() != null) {
      json.put("optimizer", json(request.optimizer()));
    }
    return json;
  }

  private Future<Void> skip(Agent agent, int index) {
    if (done.containsKey(agent.wire())) {
      return Future.succeededFuture();
    }
    String reason = "no usage data in the window";
    return emit(agent, EventType.AGENT_STARTED, new JsonObject().put("stage_index", index))
        .compose(v -> persist(agent.wire(), new JsonObject().put("status", "skipped").put("duration_ms", 0).put("reason", reason)))
        .compose(v -> emit(agent, EventType.AGENT_COMPLETED, new JsonObject().put("status", "skipped")
            .put("duration_ms", 0).put("result", new JsonObject()).put("reason", reason)));
  }

  private List<String> notes() {
    return degraded.stream().map(Degradation::note).toList();
  }

  private List<String> notesWith(Degradation more) {
    List<String> all = new ArrayList<>(notes());
    all.add(more.note());
    return all;
  }

  /**
   * The supervisor's card closes, the run's end is recorded (with its last event, so REST readers
   * see the run ended once the client does), then the last event is shown. If this supervisor dies
   * in between, the one that adopts the run shows the recorded event (RunLeases, pending_end).
   */
  private Future<Void> finish(ReportResult report) {
    if (cancelled) {
      return Future.failedFuture(new RunCancelled());
    }
    boolean isDegraded = !degraded.isEmpty();
    long duration = (System.nanoTime() - startedNanos) / 1_000_000;
    JsonObject reached = new JsonObject()
        .put("degraded", isDegraded)
        .put("degraded_reasons", degraded.stream().map(Degradation::toJson).toList());
    JsonObject end = completedFields(json(report), reached);
    return emit(Agent.SUPERVISOR, EventType.AGENT_COMPLETED, new JsonObject()
            .put("status", isDegraded ? "degraded" : "ok").put("duration_ms", duration)
            .put("result", new JsonObject().put("stages", 4).put("degraded_notes", notes())))
        .compose(v -> store.complete(run.runId(), owner, run.threadId(), run.userId(), report.markdown(), isDegraded,
            pendingEnd(EventType.RUN_COMPLETED, reached)))
        .compose(held -> held ? show(EventType.RUN_COMPLETED, end) : Future.failedFuture(releasedNow()))
        .onSuccess(v -> outcome = isDegraded ? "degraded" : "completed");
  }

  /**
   * Ends the run as failed (or cancelled): recorded, then shown. Nothing when the run is another
   * supervisor's now. When PostgreSQL cannot record it the client is told all the same, and the
   * supervisor that adopts the run later records it from the run's log.
   */
  Future<Void> fail(Throwable cause) {
    if (released || cause instanceof RunReleased) {
      LOG.info("run {} left to the supervisor that holds it now", run.runId());
      return Future.succeededFuture();
    }
    boolean wasCancelled = cause instanceof RunCancelled;
    String wire = wasCancelled ? "cancelled" : cause instanceof TimeoutFailure ? "timeout"
        : Postgres.isUnreachable(cause) ? ErrorCode.STORAGE_UNAVAILABLE.wire() : ErrorCode.of(cause).wire();
    List<String> finished = STAGES.stream().map(Agent::wire).filter(done::containsKey).toList();
    String message = wasCancelled ? "Stopped at your request."
        : cause instanceof TimeoutFailure ? cause.getMessage() + (finished.isEmpty() ? "; no stage had finished."
            : "; finished: " + String.join(", ", finished) + ". Their results are kept with the run.")
        : Postgres.isUnreachable(cause) ? "The database could not be reached during the run (" + cause.getMessage()
            + "); try again in a moment."
        : cause.getMessage() == null ? wire : cause.getMessage();
    LOG.warn("run {} failed: {} {}", run.runId(), wire, message);
    JsonObject end = new JsonObject().put("code", wire).put("message", message).put("completed_stages", finished);
    outcome = wasCancelled ? "cancelled" : cause instanceof TimeoutFailure ? "timeout" : "failed";
    String status = wasCancelled ? "cancelled" : "failed";
    return store.fail(run.runId(), owner, status, wire, message, pendingEnd(EventType.RUN_FAILED, end))
        .recover(e -> {
          LOG.warn("run {}: its end could not be recorded ({}); shown all the same, recorded once PostgreSQL answers",
              run.runId(), e.getMessage());
          // Shown by then: recorded later without a pending end, so nobody shows it again.
          unrecordedEnd = () -> store.fail(run.runId(), owner, status, wire, message, null);
          return Future.succeededFuture(true);
        })
        .compose(held -> held ? show(EventType.RUN_FAILED, end) : Future.succeededFuture());
  }

  /** Whether this run's end was shown but PostgreSQL could not record it. */
  boolean endUnrecorded() {
    return unrecordedEnd != null;
  }

  /**
   * Records the end that was shown but not recorded; true once it is recorded here, false when the
   * run is no longer this supervisor's (an adopter records it from the run's log).
   */
  Future<Boolean> recordEnd() {
    return unrecordedEnd.get();
  }

  static JsonObject pendingEnd(EventType type, JsonObject fields) {
    return new JsonObject().put("type", type.wire()).put("fields", fields);
  }

  /**
   * A {@code run_completed}'s fields: the answer as the report stage's persisted output holds it
   * ({@code markdown}, {@code report}), then how it was reached ({@code degraded}, its reasons). The
   * answer is stored once, with the report stage: a recorded end and a trace keep only the rest.
   */
  static JsonObject completedFields(JsonObject answer, JsonObject reached) {
    return new JsonObject().put("final_response", answer.getString("markdown"))
        .put("report", answer.getJsonObject("report")).mergeIn(reached);
  }

  /**
   * A stored {@code run_completed} (its fields, or the whole event of a trace) with its answer, the
   * report stage's persisted output, put back; one stored whole (before the answer was kept apart)
   * is as it was.
   */
  static JsonObject withAnswer(JsonObject completed, JsonObject answer) {
    return completed.containsKey("final_response") ? completed : completedFields(answer, completed);
  }

  /** The fields of a recorded end, whole again: a {@code run_completed} gets its answer back ({@link #withAnswer}). */
  static JsonObject recordedFields(JsonObject pendingEnd, JsonObject stages) {
    JsonObject fields = pendingEnd.getJsonObject("fields");
    return !EventType.RUN_COMPLETED.wire().equals(pendingEnd.getString("type")) ? fields
        : withAnswer(fields, stages.getJsonObject(Agent.REPORT.wire()).getJsonObject("output"));
  }

  /** Places the run's last event, then clears it from the row (a failure there only repeats the check later). */
  private Future<Void> show(EventType type, JsonObject fields) {
    return emit(Agent.SUPERVISOR, type, fields)
        .compose(v -> store.shown(run.runId()).otherwiseEmpty());
  }

  private RunReleased releasedNow() {
    released = true;
    LOG.warn("run {} ended here but is held by another supervisor; its end is theirs to show", run.runId());
    return new RunReleased();
  }

  private Future<Void> persist(String key, JsonObject stage) {
    if (released) {
      return Future.failedFuture(new RunReleased());
    }
    return store.saveStage(run.runId(), owner, key, stage).compose(held -> {
      if (!held) {
        // Cancelled (stopped, or past its deadline) meanwhile: the run ended here, it is not someone else's.
        return Future.failedFuture(cancelled ? new RunCancelled() : releasedNow());
      }
      done.put(key, stage);
      return Future.succeededFuture();
    });
  }

  private Future<Void> emit(Agent agent, EventType type, JsonObject fields) {
    if (released) {
      return Future.failedFuture(new RunReleased());
    }
    return emitter.emit(run, agent, type, fields).mapEmpty();
  }

  static final class RunCancelled extends RuntimeException {
    RunCancelled() {
      super("cancelled", null, false, false);
    }
  }

  /** The run is another supervisor's now; this pipeline stops without a word. */
  static final class RunReleased extends RuntimeException {
    RunReleased() {
      super("released", null, false, false);
    }
  }

  static final class TimeoutFailure extends RuntimeException {
    TimeoutFailure(long ms) {
      super("The run did not finish within " + ms + " ms", null, false, false);
    }
  }
}
