package apex.data.ingest;

import apex.contracts.ErrorCode;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.UploadSession;
import apex.contracts.usage.UsageFile;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data side of one streamed upload ({@link UploadSession}): a bus address of this instance only,
 * whose chunks feed an {@link UploadIngest} as they arrive. A chunk is answered when the parser takes
 * it, which paces ws-bridge; {@code end} is answered with the outcome. Sending the file as one message
 * would hold it whole (twice, encoded, on a cluster) on both nodes; chunks keep both at about 2 MiB.
 */
public final class IngestSession {
  private static final Logger LOG = LoggerFactory.getLogger(IngestSession.class);
  private static final String ADDRESS_PREFIX = "apex.data.ingest.session.";

  private final Vertx vertx;
  private final Context context;
  private final UploadIngest ingest;
  private final ChunkedInput input = new ChunkedInput();
  private final ProgressReporter progress;
  private MessageConsumer<Buffer> consumer;
  private Message<Buffer> endMessage;
  private AsyncResult<JsonObject> outcome;
  private long lastHeard = System.currentTimeMillis();
  private long idleTimer;

  private IngestSession(Vertx vertx, UploadIngest ingest, UsageFile file) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.ingest = ingest;
    this.progress = file.uploadRef() == null || file.uploadRef().isBlank() ? null
        : new ProgressReporter(vertx, ingest, file.userId(), file.uploadRef(), file.sizeBytes());
  }

  /**
   * Starts reading {@code file}'s chunks into {@code ingest}; {@code answer} turns its outcome into the
   * reply to {@code end}. Completes with the session's address once it can be reached cluster-wide.
   * {@code done} runs once when the ingest has ended (stored, refused or abandoned), or if the session
   * could not be opened.
   */
  public static Future<String> open(Vertx vertx, UsageFile file, UploadIngest ingest, Runnable done,
                                    Function<UploadIngest.Outcome, Future<JsonObject>> answer) {
    IngestSession session = new IngestSession(vertx, ingest, file);
    String address = ADDRESS_PREFIX + UUID.randomUUID();
    session.consumer = vertx.eventBus().consumer(address, session::onMessage);
    return session.consumer.completion()
        .onFailure(e -> done.run())
        .map(v -> {
          session.start(file, answer, done);
          return address;
        });
  }

  private void start(UsageFile file, Function<UploadIngest.Outcome, Future<JsonObject>> answer, Runnable done) {
    if (progress != null) {
      progress.start();
    }
    idleTimer = vertx.setPeriodic(UploadSession.IDLE_MS / 4, t -> {
      if (System.currentTimeMillis() - lastHeard > UploadSession.IDLE_MS) {
        abandon();
      }
    });
    ingest.run(input, file.contentType(), file.filename()).compose(answer).onComplete(result -> {
      done.run();
      finished(result);
    });
  }

  private void onMessage(Message<Buffer> message) {
    lastHeard = System.currentTimeMillis();
    String step = message.headers().get(UploadSession.STEP);
    if (UploadSession.DATA.equals(step) && message.body() != null) {
      if (outcome != null) {
        // The upload already failed (the database refused a row): stop the sender.
        fail(message, outcome.cause());
      } else {
        input.offer(message.body().getBytes(), () -> context.runOnContext(v -> message.reply(null)));
      }
    } else if (UploadSession.END.equals(step)) {
      vertx.cancelTimer(idleTimer);
      endMessage = message;
      input.end();
      answerEnd();
    } else if (UploadSession.ABORT.equals(step)) {
      abandon();
      message.reply(null);
    } else {
      fail(message, ErrorCode.BAD_REQUEST.failure("unknown upload step: " + step));
    }
  }

  /** The sender is gone or gave up: nothing is stored. */
  private void abandon() {
    ingest.cancel();
    input.abort();
    close();
  }

  private void finished(AsyncResult<JsonObject> result) {
    outcome = result;
    if (progress != null) {
      boolean stored = result.succeeded() && IngestResult.STORED.equals(result.result().getString("status"));
      progress.done(stored ? ingest.rowsStored() : 0);
    }
    input.abort(); // answers chunks the parser will no longer take
    answerEnd();
  }

  private void answerEnd() {
    if (endMessage == null || outcome == null) {
      return;
    }
    if (outcome.succeeded()) {
      endMessage.reply(outcome.result());
    } else {
      fail(endMessage, outcome.cause());
    }
    close();
  }

  /** A refusal keeps its code; anything else (the database refused a row) is an internal failure, logged once. */
  private static void fail(Message<?> message, Throwable cause) {
    if (cause instanceof ReplyException reply) {
      message.fail(reply.failureCode(), reply.getMessage());
    } else {
      LOG.warn("upload failed, nothing stored: {}", cause.getMessage());
      message.fail(ErrorCode.INTERNAL.failureCode(), "the upload was not stored: " + cause.getMessage());
    }
  }

  private void close() {
    vertx.cancelTimer(idleTimer);
    consumer.unregister();
  }
}
