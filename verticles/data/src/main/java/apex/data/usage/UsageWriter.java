package apex.data.usage;

import apex.runtime.storage.Postgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Stores one upload: the {@code uploads} row, all its usage records and their {@link Rollups} in a
 * single transaction, so an upload is either entirely visible to the analyses or not at all. Records
 * stream into the table through COPY, the way {@code psql \copy} loads a file: the reactive client has
 * no COPY, and its array INSERTs reached 0.44 of {@code \copy}'s rate (docs/BENCHMARKS.md). So an
 * upload holds one JDBC connection, used from one worker thread of its own, in the order its steps
 * are asked for; callers stay on the event loop.
 */
public class UsageWriter {

  /** Records per {@link OpenUpload#append} that callers batch by: one COPY write each. */
  public static final int CHUNK_SIZE = 10_000;
  /** Uploads of at least this many rows refresh the rollups' statistics once committed. */
  static final int ANALYZE_AFTER_ROWS = 50_000;
  private static final Logger LOG = LoggerFactory.getLogger(UsageWriter.class);

  private static final String INSERT_UPLOAD = "INSERT INTO usage.uploads (id, user_id, source, rows) VALUES (?, ?, ?, 0)";

  private static final String FINISH_UPLOAD = "UPDATE usage.uploads SET rows = ?, format = ?, fields = ? WHERE id = ?";

  private static final String COPY_RECORDS = """
      COPY usage.usage_records (user_id, upload_id, ts, provider, model, feature, request_id, input_tokens,
        cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, latency_ms, status, finish_reason,
        max_tokens, prompt_hash, batch, cost_usd, end_user) FROM STDIN""";

  /** What was stored. */
  public record Upload(String uploadId, int rows) {}

  private final Vertx vertx;
  private final Postgres.Jdbc jdbc;

  public UsageWriter(Vertx vertx, Postgres.Jdbc jdbc) {
    this.vertx = vertx;
    this.jdbc = jdbc;
  }

  /** Stores generated records, which carry every field (demo data). */
  public Future<Upload> write(String userId, String source, String format, List<UsageRecord> records) {
    return write(userId, source, format, records, UsageRecord.FIELDS);
  }

  /**
   * Stores {@code records} for {@code userId} under a new upload id. {@code source} says where they
   * came from (a file name, {@code demo} …), {@code fields} which canonical fields the source carried.
   * Fails, storing nothing, if any row is rejected by the database.
   */
  public Future<Upload> write(String userId, String source, String format, List<UsageRecord> records,
                              List<String> fields) {
    return open(userId, source).compose(upload -> upload.append(records)
        .compose(v -> upload.commit(format, fields))
        .recover(e -> upload.rollback().transform(ignored -> Future.failedFuture(e))));
  }

  /**
   * Starts an upload whose rows arrive in parts; nothing is visible until {@link OpenUpload#commit},
   * which also names the format and fields (known only once the whole file is read).
   */
  public Future<OpenUpload> open(String userId, String source) {
    String uploadId = "upl_" + UUID.randomUUID();
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("apex-upload-" + uploadId, 1);
    return worker.executeBlocking(() -> {
      Connection conn = jdbc.connect();
      try {
        conn.setAutoCommit(false);
        try (PreparedStatement insert = conn.prepareStatement(INSERT_UPLOAD)) {
          insert.setString(1, uploadId);
          insert.setString(2, userId);
          insert.setString(3, source);
          insert.executeUpdate();
        }
        CopyIn copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_RECORDS);
        return new OpenUpload(worker, conn, copy, userId, uploadId);
      } catch (SQLException | RuntimeException e) {
        conn.close();
        throw e;
      }
    }).onFailure(e -> worker.close());
  }

  /** An upload inside its transaction, holding one connection and one worker thread until committed or rolled back. */
  public static final class OpenUpload {
    private final WorkerExecutor worker;
    private final Connection conn;
    private final CopyIn copy;
    private final String userId;
    private final String uploadId;
    private final Rollups rollups = new Rollups();
    private final CopyText text = new CopyText();
    private int rows;
    /** Committed, rolled back or failed while finishing: the connection is closed either way. */
    private volatile boolean finished;

    private OpenUpload(WorkerExecutor worker, Connection conn, CopyIn copy, String userId, String uploadId) {
      this.worker = worker;
      this.conn = conn;
      this.copy = copy;
      this.userId = userId;
      this.uploadId = uploadId;
    }

    /** Streams the records into the table; completes once they are written to the connection. */
    public Future<Void> append(List<UsageRecord> records) {
      return worker.executeBlocking(() -> {
        for (UsageRecord r : records) {
          Long micros = Rollups.micros(r.costUsd());
          text.text(userId).text(uploadId).instant(r.ts()).text(r.provider()).text(r.model()).text(r.feature())
              .text(r.requestId()).number(r.inputTokens()).number(r.cachedInputTokens()).number(r.cacheWriteTokens())
              .number(r.outputTokens()).number(r.reasoningTokens()).number(r.latencyMs()).text(r.status())
              .text(r.finishReason()).number(r.maxTokens()).text(r.promptHash()).bool(r.batch())
              .micros(micros).text(r.endUser()).endRow();
          rollups.add(r, micros);
        }
        byte[] bytes = text.take();
        copy.writeToCopy(bytes, 0, bytes.length);
        rows += records.size();
        return null;
      });
    }

    /** Rows appended so far (visible to this transaction only). */
    public int rows() {
      return rows;
    }

    /** Ends the COPY, writes the upload's rollups ({@link Rollups}) and commits. */
    public Future<Upload> commit(String format, List<String> fields) {
      return finish(() -> {
        copy.endCopy();
        rollups.write(conn, userId, uploadId);
        try (PreparedStatement finish = conn.prepareStatement(FINISH_UPLOAD)) {
          finish.setInt(1, rows);
          finish.setString(2, format);
          finish.setArray(3, conn.createArrayOf("text", fields.toArray()));
          finish.setString(4, uploadId);
          finish.executeUpdate();
        }
        conn.commit();
        if (rows >= ANALYZE_AFTER_ROWS) {
          analyze();
        }
        return new Upload(uploadId, rows);
      });
    }

    /**
     * A large upload changes the rollups' statistics more than autovacuum has caught up with when the
     * user asks right after it: without fresh statistics the planner picked a plan that took the
     * duplicate-prompt analysis of a 1M-row upload from 0.2 s to 1.5 s. The upload is stored either way.
     */
    private void analyze() {
      try (Statement analyze = conn.createStatement()) {
        conn.setAutoCommit(true);
        analyze.execute("ANALYZE usage.usage_hourly, usage.usage_histograms, usage.prompt_repeats");
      } catch (SQLException e) {
        LOG.warn("upload {} stored; its tables' statistics were not refreshed: {}", uploadId, e.getMessage());
      }
    }

    /** Rolls back; nothing to do once the upload has finished (a failed commit has rolled back already). */
    public Future<Void> rollback() {
      if (finished) {
        return Future.succeededFuture();
      }
      return finish(() -> {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
        conn.rollback();
        return null;
      });
    }

    /** Runs the last step, then gives back the connection and the worker thread whatever happened. */
    private <T> Future<T> finish(Callable<T> step) {
      return worker.executeBlocking(() -> {
        try (conn) {
          return step.call();
        } finally {
          finished = true;
        }
      }).onComplete(done -> worker.close());
    }
  }
}
