package apex.data.ingest;

import apex.data.usage.UsageRecord;
import apex.data.usage.UsageWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * One upload, parsed and stored at the same time: the parser runs on a worker thread and hands
 * batches of records to the event loop, which passes them to the upload's COPY inside its
 * transaction ({@link UsageWriter}) while the parser reads on. The upload commits only when the whole file was read without a problem and
 * the database took every row; otherwise it rolls back, so it is still all or nothing. Memory is
 * bounded by {@link #BATCHES_IN_FLIGHT} batches: a parser ahead of the database waits.
 */
public final class UploadIngest {

  /** Batches handed to the database and not yet stored; the parser waits beyond this. */
  static final int BATCHES_IN_FLIGHT = 2;

  /** What became of the upload: {@code stored} is null when the file had problems (nothing stored). */
  public record Outcome(ParsedUpload parsed, UsageWriter.Upload stored) {}

  /** Ends the parse early: the database refused a batch, so reading on would be wasted. */
  private static final class StoreFailed extends RuntimeException {
    StoreFailed() {
      super("the database refused a batch", null, false, false);
    }
  }

  private final Vertx vertx;
  private final UsageFileParser parser;
  private final UsageWriter writer;
  private final String userId;
  private final String source;
  private final Semaphore inFlight = new Semaphore(BATCHES_IN_FLIGHT);

  private Context context;
  private volatile long bytesRead;
  private volatile long rowsParsed;
  private volatile long rowsStored;
  private volatile boolean parsing = true;
  private volatile Throwable storeFailure;
  private volatile boolean cancelled;
  /** Opened on the first batch; touched only on the event loop, like {@link #tail}. */
  private Future<UsageWriter.OpenUpload> upload;
  private Future<Void> tail = Future.succeededFuture();

  public UploadIngest(Vertx vertx, UsageFileParser parser, UsageWriter writer, String userId, String source) {
    this.vertx = vertx;
    this.parser = parser;
    this.writer = writer;
    this.userId = userId;
    this.source = source;
  }

  /** Reads {@code in} (UTF-8) to its end; call once, from the event loop that should store the rows. */
  public Future<Outcome> run(InputStream in, String contentType, String filename) {
    context = vertx.getOrCreateContext();
    InputStream counted = new FilterInputStream(in) {
      @Override
      public int read(byte[] into, int offset, int length) throws IOException {
        int n = super.read(into, offset, length);
        if (n > 0) {
          bytesRead += n;
        }
        return n;
      }
    };
    return vertx.executeBlocking(() -> {
          Batches batches = new Batches();
          ParsedUpload parsed = parser.parse(new InputStreamReader(counted, StandardCharsets.UTF_8), contentType,
              filename, batches);
          batches.flush();
          return parsed;
        }, false)
        .transform(parse -> {
          parsing = false;
          // Runs after every batch handed off, which reached the event loop before this did.
          return tail.transform(stored -> finish(parse.succeeded() ? parse.result() : null,
              storeFailure != null ? storeFailure : parse.cause()));
        });
  }

  /** Nothing will be stored, whatever the rest of the file holds (the sender gave up). */
  public void cancel() {
    cancelled = true;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public long rowsParsed() {
    return rowsParsed;
  }

  public long rowsStored() {
    return rowsStored;
  }

  public boolean parsing() {
    return parsing;
  }

  private Future<Outcome> finish(ParsedUpload parsed, Throwable failure) {
    if (failure != null || cancelled) {
      Throwable cause = failure != null ? failure : new IllegalStateException("the upload was abandoned");
      return rollback().transform(v -> Future.failedFuture(cause));
    }
    if (parsed.problemCount() > 0) {
      return rollback().map(v -> new Outcome(parsed, null));
    }
    return opened().compose(open -> open.commit(parsed.format(), parsed.fields())).map(stored -> new Outcome(parsed, stored));
  }

  private Future<UsageWriter.OpenUpload> opened() {
    if (upload == null) {
      upload = writer.open(userId, source);
    }
    return upload;
  }

  private Future<Void> rollback() {
    return upload == null ? Future.succeededFuture()
        : upload.transform(open -> open.succeeded() ? open.result().rollback() : Future.succeededFuture());
  }

  /**
   * On the event loop: hands the batch at once to the upload's writer, which writes batches to its
   * COPY in the order given, so the database has the next batch while it stores this one. {@link #tail}
   * completes after every batch handed over, failed with the first refusal (the database may report
   * a refused row only when the COPY ends, at commit).
   */
  private void store(List<UsageRecord> batch) {
    Future<Void> step = opened().compose(open -> open.append(batch))
        .onSuccess(v -> rowsStored += batch.size())
        .onFailure(e -> {
          if (storeFailure == null) {
            storeFailure = e; // later batches only fail because the COPY already failed
          }
        })
        .onComplete(done -> inFlight.release());
    tail = Future.join(tail, step).mapEmpty();
  }

  /** On the parser's thread: collects records and hands each full batch to the event loop. */
  private final class Batches implements Consumer<UsageRecord> {
    private List<UsageRecord> batch = new ArrayList<>(UsageWriter.CHUNK_SIZE);

    @Override
    public void accept(UsageRecord record) {
      batch.add(record);
      rowsParsed++;
      if (batch.size() == UsageWriter.CHUNK_SIZE) {
        flush();
      }
    }

    void flush() {
      if (storeFailure != null) {
        throw new StoreFailed();
      }
      if (batch.isEmpty() || cancelled) {
        return;
      }
      List<UsageRecord> full = batch;
      batch = new ArrayList<>(UsageWriter.CHUNK_SIZE);
      inFlight.acquireUninterruptibly();
      context.runOnContext(v -> store(full));
    }
  }
}
