package apex.supervisor;

import apex.contracts.ErrorCode;
import apex.contracts.run.EventType;
import apex.contracts.run.RunAccepted;
import apex.contracts.run.RunView;
import apex.contracts.run.StartRun;
import apex.contracts.run.ThreadMessage;
import apex.contracts.run.ThreadSummary;
import apex.contracts.stage.Window;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code chat} schema: threads, their messages, and runs with each stage's result as it lands. */
final class ChatStore {
  private static final int TITLE_LENGTH = 80;

  /** The stage results of the run {@code r} as one object by stage name ({@code {}} before any). */
  static final String STAGES_OF_RUN = "(SELECT coalesce(json_object_agg(s.stage, s.result), '{}'::json) "
      + "FROM chat.run_stages s WHERE s.run_id = r.id)";

  private final Pool pool;

  ChatStore(Pool pool) {
    this.pool = pool;
  }

  /** An earlier run started by the same client message, if any (idempotent start). */
  Future<Optional<RunAccepted>> existingRun(StartRun start) {
    return pool.preparedQuery("SELECT id, thread_id FROM chat.runs WHERE user_id = $1 AND client_msg_id = $2")
        .execute(Tuple.of(start.userId(), start.clientMsgId()))
        .map(rows -> first(rows).map(r -> new RunAccepted(start.clientMsgId(), r.getUUID("id").toString(),
            r.getUUID("thread_id").toString())));
  }

  /** The insert of a run whose client message already has one ({@code UNIQUE (user_id, client_msg_id)}). */
  static boolean isDuplicateStart(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState())
        && String.valueOf(pg.getConstraint()).equals("runs_user_id_client_msg_id_key");
  }

  /**
   * Creates the thread when needed, the user's message and the run, in one transaction; refused
   * with {@code rate_limited} when the user already has {@code maxRunning} runs younger than
   * {@code timeoutMs} still running. A per-user advisory lock makes count and insert one step.
   */
  Future<RunAccepted> createRun(StartRun start, int maxRunning, long timeoutMs, String owner, long leaseMs) {
    UUID runId = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
        .execute(Tuple.of(start.userId()))
        .compose(locked -> conn.preparedQuery("SELECT count(*) AS n FROM chat.runs WHERE user_id = $1 "
                + "AND status = 'running' AND created_at > now() - ($2::bigint * interval '1 millisecond')")
            .execute(Tuple.of(start.userId(), timeoutMs)))
        .compose(rows -> {
          int running = rows.iterator().next().getInteger("n");
          return running >= maxRunning
              ? Future.failedFuture(ErrorCode.RATE_LIMITED.failure("you already have " + running
                  + " analyses running; wait for one to finish"))
              : threadFor(conn, start);
        })
        .compose(threadId -> conn.preparedQuery(
                "INSERT INTO chat.runs (id, thread_id, user_id, client_msg_id, status, owner, lease_until, heartbeat_at, "
                    + "deadline_at) VALUES ($1, $2, $3, $4, 'running', $5, now() + $6 * interval '1 millisecond', now(), "
                    + "now() + $7 * interval '1 millisecond')")
            .execute(Tuple.of(runId, threadId, start.userId(), start.clientMsgId(), owner, leaseMs, timeoutMs))
            .compose(r -> conn.preparedQuery(
                    "INSERT INTO chat.messages (thread_id, user_id, role, text, run_id) VALUES ($1, $2, 'user', $3, $4)")
                .execute(Tuple.of(threadId, start.userId(), start.text(), runId)))
            .map(r -> new RunAccepted(start.clientMsgId(), runId.toString(), threadId.toString()))));
  }

  private Future<UUID> threadFor(SqlConnection conn, StartRun start) {
    if (start.threadId() == null) {
      UUID id = UUID.randomUUID();
      String title = start.text().strip().replaceAll("\\s+", " ");
      title = title.length() > TITLE_LENGTH ? title.substring(0, TITLE_LENGTH - 1) + "…" : title;
      return conn.preparedQuery("INSERT INTO chat.threads (id, user_id, title) VALUES ($1, $2, $3)")
          .execute(Tuple.of(id, start.userId(), title)).map(id);
    }
    return conn.preparedQuery("UPDATE chat.threads SET updated_at = now() WHERE id = $1 AND user_id = $2 RETURNING id")
        .execute(Tuple.of(parseId(start.threadId(), "thread"), start.userId()))
        .compose(rows -> first(rows).map(r -> Future.succeededFuture(r.getUUID("id")))
            .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.failure("thread not found: " + start.threadId()))));
  }

  Future<Integer> messageCount(String threadId) {
    return pool.preparedQuery("SELECT count(*) AS n FROM chat.messages WHERE thread_id = $1")
        .execute(Tuple.of(UUID.fromString(threadId))).map(rows -> rows.iterator().next().getInteger("n"));
  }

  /**
   * Persists a stage's result while {@code owner} still holds the run; false when it does not (the
   * run was adopted by another supervisor, or has ended).
   */
  Future<Boolean> saveStage(String runId, String owner, String agent, JsonObject stage) {
    return pool.preparedQuery("INSERT INTO chat.run_stages (run_id, stage, result) SELECT $1, $3, $4 "
            + "WHERE EXISTS (SELECT 1 FROM chat.runs WHERE id = $1 AND owner = $2 AND status = 'running') "
            + "ON CONFLICT (run_id, stage) DO UPDATE SET result = EXCLUDED.result")
        .execute(Tuple.of(UUID.fromString(runId), owner, agent, stage)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Ends the run as completed with its answer, while {@code owner} holds it; false when it does not.
   * {@code end} is the run's last event, kept until {@link #shown} (see {@code pending_end}).
   */
  Future<Boolean> complete(String runId, String owner, String threadId, String userId, String answer, boolean degraded,
                           JsonObject end) {
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE chat.runs SET status = 'completed', degraded = $3, "
                + "pending_end = $4, finished_at = now(), "
                + "duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint "
                + "WHERE id = $1 AND owner = $2 AND status = 'running'")
            .execute(Tuple.of(UUID.fromString(runId), owner, degraded, end))
            .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false) : conn.preparedQuery(
                    "INSERT INTO chat.messages (thread_id, user_id, role, text, run_id) VALUES ($1, $2, 'assistant', $3, $4)")
                .execute(Tuple.of(UUID.fromString(threadId), userId, answer, UUID.fromString(runId))).map(true)));
  }

  /** Ends the run as failed or cancelled, while {@code owner} holds it; false when it does not. {@code end} as in complete. */
  Future<Boolean> fail(String runId, String owner, String status, String code, String message, JsonObject end) {
    return pool.preparedQuery("UPDATE chat.runs SET status = $3, error_code = $4, error_message = $5, pending_end = $6, "
            + "finished_at = now(), duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint "
            + "WHERE id = $1 AND owner = $2 AND status = 'running'")
        .execute(Tuple.of(UUID.fromString(runId), owner, status, code, message, end)).map(rows -> rows.rowCount() == 1);
  }

  /** The run's last event is in its log: nothing is left to show. */
  Future<Void> shown(String runId) {
    return pool.preparedQuery("UPDATE chat.runs SET pending_end = NULL WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(runId))).mapEmpty();
  }

  /**
   * The data stage's output of the user's latest run over the same window that analysed it without
   * a fallback: the last aggregates kept, for data's fallback.
   */
  Future<Optional<JsonObject>> lastAggregates(String userId, Window window) {
    return pool.preparedQuery("SELECT s.result -> 'output' AS output FROM chat.runs r "
            + "JOIN chat.run_stages s ON s.run_id = r.id AND s.stage = 'data' WHERE r.user_id = $1 "
            + "AND s.result ->> 'status' = 'ok' AND s.result -> 'output' -> 'window' ->> 'from' = $2 "
            + "AND s.result -> 'output' -> 'window' ->> 'to' = $3 ORDER BY r.created_at DESC LIMIT 1")
        .execute(Tuple.of(userId, window.from(), window.to()))
        .map(rows -> first(rows).map(r -> (JsonObject) r.getValue("output")));
  }

  /**
   * Writes the run's trace: its events as logged, in one row, but for the answer a
   * {@code run_completed} carries: that is the report stage's output, stored once, and put back when
   * the trace is read ({@link #runTrace}). A trace already written is replaced only by a longer one
   * (a log read again after a Redis restart may have lost events).
   */
  Future<Void> trace(String runId, List<String> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    // The events are stored as logged, not decoded; only the last can be the run's end.
    int last = events.size() - 1;
    JsonObject end = new JsonObject(events.get(last));
    boolean completed = isCompleted(end);
    if (completed) {
      end.remove("final_response");
      end.remove("report");
    }
    StringBuilder stored = new StringBuilder("[");
    events.subList(0, last).forEach(event -> stored.append(event).append(','));
    stored.append(completed ? end.encode() : events.get(last)).append(']');
    return pool.preparedQuery("INSERT INTO chat.run_traces (run_id, events) VALUES ($1, $2::text::json) "
            + "ON CONFLICT (run_id) DO UPDATE SET events = EXCLUDED.events "
            + "WHERE json_array_length(EXCLUDED.events) > json_array_length(chat.run_traces.events)")
        .execute(Tuple.of(UUID.fromString(runId), stored.toString())).mapEmpty();
  }

  private static boolean isCompleted(Object event) {
    return event instanceof JsonObject json && EventType.RUN_COMPLETED.wire().equals(json.getString("type"));
  }

  /** A stored trace's events, each {@code run_completed} with its answer back (a trace stored whole is as it was). */
  private static JsonArray traceEvents(Row trace) {
    JsonArray events = (JsonArray) trace.getValue("events");
    JsonObject answer = (JsonObject) trace.getValue("answer");
    if (answer == null) {
      return events;
    }
    JsonArray whole = new JsonArray(new ArrayList<>(events.size()));
    events.forEach(event -> whole.add(isCompleted(event) ? RunPipeline.withAnswer((JsonObject) event, answer) : event));
    return whole;
  }

  /**
   * A run as operators see it: its row (any user's) and its persisted trace, oldest event first;
   * not_found for an unknown or malformed id.
   */
  Future<JsonObject> runTrace(String runId) {
    UUID id = parseId(runId, "run");
    return pool.preparedQuery("SELECT * FROM chat.runs WHERE id = $1").execute(Tuple.of(id))
        .map(ChatStore::first)
        .compose(row -> row.map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.failure("run not found: " + runId))))
        .compose(r -> pool.preparedQuery("SELECT t.events, (SELECT s.result -> 'output' FROM chat.run_stages s "
                + "WHERE s.run_id = t.run_id AND s.stage = 'report') AS answer "
                + "FROM chat.run_traces t WHERE t.run_id = $1")
            .execute(Tuple.of(id))
            .map(rows -> {
              JsonArray events = first(rows).map(ChatStore::traceEvents).orElseGet(JsonArray::new);
              return new JsonObject()
                  .put("run", new JsonObject()
                      .put("run_id", runId)
                      .put("thread_id", r.getUUID("thread_id").toString())
                      .put("user_id", String.valueOf(r.getValue("user_id")))
                      .put("status", r.getString("status"))
                      .put("degraded", r.getBoolean("degraded"))
                      .put("created_at", ts(r, "created_at"))
                      .put("finished_at", ts(r, "finished_at"))
                      .put("duration_ms", r.getLong("duration_ms"))
                      .put("adoptions", r.getInteger("adoptions"))
                      .put("error_code", r.getString("error_code"))
                      .put("error_message", r.getString("error_message")))
                  .put("events", events);
            }));
  }

  Future<List<ThreadSummary>> threads(String userId) {
    return pool.preparedQuery("SELECT id, title, created_at, updated_at FROM chat.threads WHERE user_id = $1 "
            + "ORDER BY updated_at DESC LIMIT 200")
        .execute(Tuple.of(userId))
        .map(rows -> {
          List<ThreadSummary> list = new ArrayList<>();
          rows.forEach(r -> list.add(new ThreadSummary(r.getUUID("id").toString(), r.getString("title"),
              ts(r, "created_at"), ts(r, "updated_at"))));
          return list;
        });
  }

  /** A thread with its messages, or not_found when it does not exist or is someone else's. */
  Future<JsonObject> thread(String userId, String threadId) {
    return owned("SELECT id, title FROM chat.threads WHERE id = $1 AND user_id = $2", "thread", userId, threadId)
        .compose(t -> pool.preparedQuery("SELECT role, text, run_id, created_at FROM chat.messages WHERE thread_id = $1 ORDER BY id")
            .execute(Tuple.of(t.getUUID("id")))
            .map(messages -> {
              List<JsonObject> list = new ArrayList<>();
              messages.forEach(m -> list.add(new ThreadMessage(m.getString("role"), m.getString("text"),
                  m.getUUID("run_id") == null ? null : m.getUUID("run_id").toString(), ts(m, "created_at")).toJson()));
              return new JsonObject().put("thread_id", threadId).put("title", t.getString("title")).put("messages", list);
            }));
  }

  Future<RunView> run(String userId, String runId) {
    return owned("SELECT r.*, " + STAGES_OF_RUN + " AS stages FROM chat.runs r WHERE r.id = $1 AND r.user_id = $2",
        "run", userId, runId)
        .map(r -> new RunView(runId, r.getUUID("thread_id").toString(), r.getString("status"),
            r.getBoolean("degraded"), ts(r, "created_at"), ts(r, "finished_at"), r.getLong("duration_ms"),
            (JsonObject) r.getValue("stages"), r.getString("error_code"), r.getString("error_message")));
  }

  /**
   * The row {@code select} finds for ({@code id}, {@code userId}); not_found when the id is malformed,
   * unknown, or someone else's, so the answer reveals nothing about other users' data.
   */
  private Future<Row> owned(String select, String what, String userId, String id) {
    UUID uuid = parseIdOrNull(id);
    Future<Optional<Row>> found = uuid == null ? Future.succeededFuture(Optional.empty())
        : pool.preparedQuery(select).execute(Tuple.of(uuid, userId)).map(ChatStore::first);
    return found.compose(row -> row.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ErrorCode.NOT_FOUND.failure(what + " not found: " + id))));
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static String ts(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant().toString();
  }

  private static UUID parseId(String id, String what) {
    UUID parsed = parseIdOrNull(id);
    if (parsed == null) {
      throw ErrorCode.NOT_FOUND.failure(what + " not found: " + id);
    }
    return parsed;
  }

  private static UUID parseIdOrNull(String id) {
    try {
      return id == null ? null : UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
