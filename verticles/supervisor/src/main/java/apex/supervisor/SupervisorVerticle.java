package apex.supervisor;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.OwnedQuery;
import apex.contracts.run.RunAccepted;
import apex.contracts.run.RunRef;
import apex.contracts.run.RunView;
import apex.contracts.run.StartRun;
import apex.contracts.run.ThreadSummary;
import apex.runtime.ApexVerticle;
import apex.runtime.cluster.ClusterNodes;
import apex.runtime.events.EventLog;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.node.NodeSlots;
import apex.runtime.storage.Postgres;
import apex.runtime.trace.TraceContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns threads, messages and runs. {@code start} stores the question and the run under this
 * supervisor's lease, acknowledges at once, then drives the pipeline; a run that outlives its
 * deadline fails with {@code timeout}; {@code stop} cancels it between stages. A heartbeat renews
 * the leases of the runs held here, and a sweeper adopts runs whose lease ran out (their supervisor
 * died) and continues them from their last persisted stage. On stop the runs held here are handed
 * over: released at once, for another supervisor to adopt.
 */
public class SupervisorVerticle extends ApexVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorVerticle.class);

  private ChatStore store;
  private RunLeases leases;
  private RunEventEmitter emitter;
  private EventLog eventLog;
  /** Runs in progress on this node, new and adopted: over the bound a start is busy, and the sweeper leaves expired runs to supervisors with room. */
  private NodeSlots slots;
  /** This instance's name in {@code chat.runs.owner}: node id, cluster node id (empty on a local bus), instance. */
  private String owner;
  private final Map<String, RunPipeline> active = new HashMap<>();
  private long heartbeatTimer = -1;
  private boolean renewing;
  private long sweepTimer = -1;
  private boolean sweeping;
  private boolean storageDown;

  public SupervisorVerticle() {
    super("supervisor", Addresses.SUPERVISOR_START);
  }

  @Override
  protected Future<?> startService() {
    owner = RunLeases.ownerName(settings.nodeId(), ClusterNodes.self(vertx));
    emitter = emitter();
    eventLog = new EventLog(redis());
    slots = new NodeSlots(vertx, "runs", settings.integer("runs.max_in_flight_per_node"));
    vertx.eventBus().<JsonObject>consumer(Addresses.SUPERVISOR_STOP, message -> stop(message.body()));
    // The stages' events tell this supervisor how far its runs' numbering got (RunEventEmitter).
    vertx.eventBus().<JsonObject>consumer(Addresses.RUN_EVENTS, message -> {
      String runId = message.body().getString("run_id");
      if (runId != null && active.containsKey(runId) && message.body().getValue("seq") instanceof Number seq) {
        emitter.observe(runId, seq.longValue());
        String node = message.headers().get(BusHeaders.NODE);
        if (node != null && !node.isEmpty() && !node.equals(ClusterNodes.self(vertx))) {
          active.get(runId).servedBy(message.body().getString("agent"), node);
        }
      }
    });
    return postgres("chat")
        .onSuccess(pool -> {
          store = new ChatStore(pool);
          leases = new RunLeases(pool);
        })
        .compose(v -> Future.all(List.of(
            serve(Addresses.SUPERVISOR_START, this::start),
            serve(Addresses.SUPERVISOR_THREADS, this::threads),
            serve(Addresses.SUPERVISOR_THREAD, body -> {
              OwnedQuery q = ContractJson.fromJson(body, OwnedQuery.class);
              return store.thread(q.userId(), q.id());
            }),
            serve(Addresses.SUPERVISOR_TRACE, this::trace),
            serve(Addresses.SUPERVISOR_RUN, body -> {
              OwnedQuery q = ContractJson.fromJson(body, OwnedQuery.class);
              return store.run(q.userId(), q.id()).map(RunView::toJson);
            }))))
        .onSuccess(v -> {
          heartbeatTimer = vertx.setPeriodic(settings.number("runs.heartbeat_ms"), t -> heartbeat());
          sweepTimer = vertx.setPeriodic(settings.number("runs.sweep_ms"), t -> sweep());
          LOG.info("supervisor {} holds runs under {} ms leases, at most {} in progress on this node", owner,
              settings.number("runs.lease_ms"), slots.max());
        });
  }

  /**
   * Hands over: every run held here is released (its pipeline stops at its next step, after the
   * events already on their way are placed), so another supervisor adopts it within
   * {@code runs.sweep_ms} and asks again only the stage that was in progress.
   */
  @Override
  protected Future<?> stopService() {
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(sweepTimer);
    List<RunPipeline> held = new ArrayList<>(active.values());
    if (held.isEmpty() || leases == null) {
      return Future.succeededFuture();
    }
    held.forEach(RunPipeline::release);
    List<String> ids = held.stream().map(p -> p.run().runId()).toList();
    return Future.join(ids.stream().map(emitter::settled).toList())
        .transform(v -> leases.release(owner, ids))
        .onSuccess(v -> LOG.info("supervisor {} stopping: handed over {} run(s) {}", owner, ids.size(), ids))
        .onFailure(e -> LOG.warn("supervisor {} stopping: could not release {} run(s), they are adopted when their "
            + "lease runs out: {}", owner, ids.size(), e.getMessage()));
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
            .orElseGet(() -> create(start)
                // The same message sent twice at once (a client that reconnected and sent it again while
                // the first start was on its way): the other start created the run, answer with it.
                .recover(e -> ChatStore.isDuplicateStart(e)
                    ? store.existingRun(start).map(Optional::orElseThrow) : Future.failedFuture(e))))
        .recover(e -> Postgres.isUnreachable(e) ? storageUnavailable(start, e) : Future.failedFuture(e))
        .map(RunAccepted::toJson);
  }

  private Future<RunAccepted> create(StartRun start) {
    if (!slots.tryTake()) {
      return Future.failedFuture(ErrorCode.BUSY.failure("this node already has " + slots.max()
          + " analyses in progress; try again in a moment"));
    }
    long timeoutMs = settings.number("runs.timeout_ms");
    return store.createRun(start, settings.integer("limits.concurrent_runs_per_user"), timeoutMs, owner,
            settings.number("runs.lease_ms"))
        .onFailure(e -> slots.give())
        .onSuccess(accepted -> launch(RunPipeline.fresh(calls, emitter, store,
            new RunRef(accepted.runId(), accepted.threadId(), start.userId()), start.text(), owner, anomalyStage()),
            timeoutMs));
  }

  /**
   * PostgreSQL cannot be reached: nothing can be stored, so the run fails at once, where the client
   * watches for it: accepted, then {@code run_failed} with {@code storage_unavailable}. The refused
   * run's id comes from the user and the message id, so a start asked again (a retry, a client that
   * reconnected) answers the same run, and its end is shown once.
   */
  private Future<RunAccepted> storageUnavailable(StartRun start, Throwable cause) {
    LOG.warn("run for user {} refused, PostgreSQL unreachable: {}", start.userId(), cause.getMessage());
    String refused = "storage_unavailable/" + start.userId() + "/" + start.clientMsgId();
    RunRef run = new RunRef(UUID.nameUUIDFromBytes(refused.getBytes(StandardCharsets.UTF_8)).toString(),
        start.threadId() == null ? UUID.nameUUIDFromBytes((refused + "/thread").getBytes(StandardCharsets.UTF_8))
            .toString() : start.threadId(), start.userId());
    vertx.runOnContext(v -> lastEvent(run.runId()).onSuccess(last -> {
      if (last.filter(SupervisorVerticle::isEnd).isEmpty()) {
        emitter.emit(run, Agent.SUPERVISOR, EventType.RUN_FAILED, new JsonObject()
            .put("code", ErrorCode.STORAGE_UNAVAILABLE.wire())
            .put("message", "Your question could not be stored: the database cannot be reached. Nothing was saved; "
                + "try again in a moment.")
            .put("completed_stages", List.of()));
      }
    }));
    return Future.succeededFuture(new RunAccepted(start.clientMsgId(), run.runId(), run.threadId()));
  }

  /** Drives a pipeline held here until it ends or its deadline ({@code remainingMs} from now) passes. */
  private void launch(RunPipeline pipeline, long remainingMs) {
    String runId = pipeline.run().runId();
    pipeline.membersFrom(() -> ClusterNodes.members(vertx));
    active.put(runId, pipeline);
    AtomicBoolean settled = new AtomicBoolean();
    long timeoutMs = settings.number("runs.timeout_ms");
    Runnable timeout = () -> {
      if (settled.compareAndSet(false, true)) {
        pipeline.cancel();
        pipeline.fail(new RunPipeline.TimeoutFailure(timeoutMs)).onComplete(v -> ended(pipeline));
      }
    };
    if (remainingMs <= 0) {
      vertx.runOnContext(v -> timeout.run());
      return;
    }
    long timer = vertx.setTimer(remainingMs, t -> timeout.run());
    // Runs after the reply is on its way, so run_accepted reaches the browser first.
    vertx.runOnContext(v -> TraceContext.logged(runId, pipeline.run().userId(), TraceContext.forRun(runId),
        pipeline::execute).onComplete(done -> {
      vertx.cancelTimer(timer);
      if (settled.compareAndSet(false, true)) {
        Future<Void> end = done.succeeded() ? Future.succeededFuture() : pipeline.fail(done.cause());
        end.onComplete(x -> ended(pipeline));
      }
    }));
  }

  /** Frees the run's slot, then writes its trace from the log (unless another supervisor holds it now). */
  private void ended(RunPipeline pipeline) {
    String runId = pipeline.run().runId();
    active.remove(runId);
    slots.give();
    if (pipeline.outcome() != null) {
      ApexMetrics.of(vertx).runEnded(pipeline.outcome(), pipeline.elapsedNanos());
    }
    if (pipeline.endUnrecorded()) {
      recordEnd(pipeline);
    } else if (!pipeline.released()) {
      writeTrace(runId);
    }
  }

  private void writeTrace(String runId) {
    emitter.settled(runId)
        .compose(v -> eventLog.texts(runId))
        .compose(events -> store.trace(runId, events))
        .onFailure(e -> LOG.warn("run {}: trace not written: {}", runId, e.getMessage()));
  }

  /**
   * The run's end was shown while PostgreSQL was away: recorded here as soon as it answers (every
   * heartbeat), so the run is not left {@code running} until its lease runs out and its log, which
   * may not outlive a Redis restart, is all that says how it ended.
   */
  private void recordEnd(RunPipeline pipeline) {
    String runId = pipeline.run().runId();
    vertx.setTimer(settings.number("runs.heartbeat_ms"), t -> pipeline.recordEnd()
        .onSuccess(recorded -> {
          if (recorded) {
            LOG.info("run {}: its end recorded now that PostgreSQL answers", runId);
            writeTrace(runId);
          }
        })
        .onFailure(e -> recordEnd(pipeline)));
  }

  /**
   * Renews the leases of the runs held here; a run whose lease was taken meanwhile is let go. Only
   * the runs asked about are judged: a run started while the renewal was on its way is not in its
   * answer, and a run whose end is already shown is only finishing here.
   */
  private void heartbeat() {
    if (active.isEmpty() || renewing) {
      return;
    }
    renewing = true;
    List<RunPipeline> asked = List.copyOf(active.values());
    leases.renew(owner, settings.number("runs.lease_ms"), asked.stream().map(p -> p.run().runId()).toList())
        .onSuccess(held -> {
          storageReachable();
          asked.stream().filter(p -> !held.contains(p.run().runId()) && !p.released() && p.outcome() == null)
              .forEach(p -> {
                LOG.warn("run {}: lease lost (adopted by another supervisor); stopping here", p.run().runId());
                p.release();
              });
        })
        .onFailure(this::storageUnreachable)
        .onComplete(v -> renewing = false);
  }

  /** Adopts runs whose lease ran out, as many as this node has room for. */
  private void sweep() {
    // A stage whose node left the cluster will never answer: ask another instance now, not after the call's timeout.
    List.copyOf(active.values()).forEach(p -> p.askAgainIfStageNodeLeft(node -> ClusterNodes.isMember(vertx, node)));
    int room = Math.min(slots.free(), 8);
    if (sweeping || room <= 0) {
      return;
    }
    sweeping = true;
    leases.adoptExpired(owner, settings.number("runs.lease_ms"), room, ClusterNodes.members(vertx),
            List.copyOf(active.keySet()))
        .onSuccess(adopted -> {
          storageReachable();
          adopted.forEach(this::adopt);
        })
        .onFailure(this::storageUnreachable)
        .onComplete(v -> sweeping = false);
  }

  private void adopt(RunLeases.Adopted run) {
    String runId = run.run().runId();
    if (!run.running()) {
      showEnd(run);
      return;
    }
    if (!slots.tryTake()) {
      leases.release(owner, List.of(runId));
      return;
    }
    LOG.info("run {} adopted from {} (adoption {}): {} ms left, stages done {}", runId, run.previousOwner(),
        run.adoptions(), run.remainingMs(), run.stages().fieldNames());
    lastEvent(runId).onComplete(last -> {
      Optional<JsonObject> end = last.result().filter(SupervisorVerticle::isEnd);
      if (end.isPresent()) {
        settle(run, end.get()).onComplete(v -> slots.give());
      } else {
        launch(RunPipeline.adopted(calls, emitter, store, run.run(), run.question() == null ? "" : run.question(), owner,
            anomalyStage(), run.stages(), run.previousOwner()), run.remainingMs());
      }
    });
  }

  /** Whether runs ask the optional anomaly stage (docs/POLYGLOT.md). */
  private boolean anomalyStage() {
    return settings.flag("stages.anomaly.enabled");
  }

  private Future<Optional<JsonObject>> lastEvent(String runId) {
    return eventLog.last(runId).otherwise(Optional.empty());
  }

  private static boolean isEnd(JsonObject event) {
    return EventType.RUN_COMPLETED.wire().equals(event.getString("type"))
        || EventType.RUN_FAILED.wire().equals(event.getString("type"));
  }

  /** The run's end was recorded but its supervisor died before showing it: show it (unless the log has it). */
  private void showEnd(RunLeases.Adopted run) {
    String runId = run.run().runId();
    JsonObject pending = run.pendingEnd();
    lastEvent(runId)
        .compose(last -> last.filter(SupervisorVerticle::isEnd).isPresent() ? Future.succeededFuture()
            : emitter.emit(run.run(), Agent.SUPERVISOR, EventType.ofWire(pending.getString("type")),
                RunPipeline.recordedFields(pending, run.stages()))
                .onSuccess(e -> LOG.info("run {}: its recorded end shown after {} "
                    + "stopped", runId, run.previousOwner())))
        .compose(v -> store.shown(runId))
        .onFailure(e -> LOG.warn("run {}: recorded end not shown yet, tried again once the lease runs out: {}", runId,
            e.getMessage()));
  }

  /** The run's end was shown but not recorded (PostgreSQL was away, or its supervisor died): record it as shown. */
  private Future<Boolean> settle(RunLeases.Adopted run, JsonObject end) {
    RunRef ref = run.run();
    LOG.info("run {} had already ended ({}); recording it", ref.runId(), end.getString("type"));
    if (EventType.RUN_COMPLETED.wire().equals(end.getString("type"))) {
      return store.complete(ref.runId(), owner, ref.threadId(), ref.userId(), end.getString("final_response"),
          end.getBoolean("degraded", false), null);
    }
    String code = end.getString("code");
    return store.fail(ref.runId(), owner, "cancelled".equals(code) ? "cancelled" : "failed", code,
        end.getString("message"), null);
  }

  private void storageUnreachable(Throwable e) {
    if (!storageDown) {
      storageDown = true;
      LOG.warn("supervisor {}: PostgreSQL unreachable, leases not renewed or swept: {}", owner, e.getMessage());
    }
  }

  private void storageReachable() {
    if (storageDown) {
      storageDown = false;
      LOG.info("supervisor {}: PostgreSQL reachable again", owner);
    }
  }

  private void stop(JsonObject body) {
    OwnedQuery query = ContractJson.fromJson(body, OwnedQuery.class);
    RunPipeline pipeline = active.get(query.id());
    if (pipeline != null && pipeline.run().userId().equals(query.userId())) {
      pipeline.cancel();
    }
  }

  /**
   * A run's timeline for operators (the inspector bridge checks the role): the trace written when it
   * ended, or the live log while it is in progress or when no trace could be written.
   */
  private Future<JsonObject> trace(JsonObject body) {
    String runId = body.getString("run_id");
    if (runId == null || runId.isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("run_id: required"));
    }
    return store.runTrace(runId).compose(trace -> {
      if (!trace.getJsonArray("events").isEmpty()) {
        return Future.succeededFuture(trace.put("source", "trace"));
      }
      return eventLog.range(runId, 1, 0)
          .map(events -> trace.put("events", new JsonArray(new ArrayList<>(events))).put("source", "log"))
          .otherwise(trace.put("source", "none"));
    });
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
