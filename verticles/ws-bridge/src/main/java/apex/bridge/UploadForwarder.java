package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.usage.UploadSession;
import apex.contracts.usage.UsageFile;
import apex.runtime.bus.BusCalls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

/**
 * Streams one upload body to data as it arrives ({@link UploadSession}): opens the session through
 * the {@code data-ingest} breaker, then sends chunks of {@link UploadSession#CHUNK_BYTES} to the one
 * instance that opened it, pausing the request while a chunk is on its way, so an upload of any
 * allowed size costs this node about one chunk of memory. Chunks go to that instance's address
 * directly: a breaker's retry or fallback cannot resume a stream half sent.
 */
final class UploadForwarder {
  /** Per step, as long as the data-ingest breaker waits for a whole upload; only the last one waits for the commit. */
  static final long STEP_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final BusCalls calls;
  private final long limit;
  private final UsageFile file;
  private final ReadStream<Buffer> body;
  private final Promise<JsonObject> result = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private long received;
  private Future<String> session;
  private Future<?> sending = Future.succeededFuture();

  private UploadForwarder(Vertx vertx, BusCalls calls, long limit, UsageFile file, ReadStream<Buffer> body) {
    this.vertx = vertx;
    this.calls = calls;
    this.limit = limit;
    this.file = file;
    this.body = body;
  }

  /** Reads {@code body} (paused until now) to its end; answers data's {@code IngestResult}. */
  static Future<JsonObject> forward(Vertx vertx, BusCalls calls, long limit, UsageFile file, ReadStream<Buffer> body) {
    UploadForwarder forwarder = new UploadForwarder(vertx, calls, limit, file, body);
    body.handler(forwarder::onData);
    body.endHandler(v -> forwarder.onEnd());
    body.exceptionHandler(forwarder::giveUp);
    body.resume();
    return forwarder.result.future();
  }

  private void onData(Buffer data) {
    if (result.future().isComplete()) {
      return;
    }
    received += data.length();
    if (received > limit) {
      giveUp(ErrorCode.PAYLOAD_TOO_LARGE.failure("body is larger than " + limit + " bytes"));
      return;
    }
    pending.appendBuffer(data);
    if (pending.length() >= UploadSession.CHUNK_BYTES) {
      body.pause();
      send(UploadSession.DATA, takePending()).onSuccess(v -> body.resume());
    }
  }

  private void onEnd() {
    if (result.future().isComplete()) {
      return;
    }
    if (received == 0) {
      result.tryFail(ErrorCode.BAD_REQUEST.failure(
          "no usage data: send a CSV, JSON array or NDJSON body, or a multipart file"));
      return;
    }
    if (pending.length() > 0) {
      send(UploadSession.DATA, takePending());
    }
    send(UploadSession.END, Buffer.buffer()).onSuccess(reply -> result.tryComplete((JsonObject) reply.body()));
  }

  private Buffer takePending() {
    Buffer chunk = pending;
    pending = Buffer.buffer();
    return chunk;
  }

  /** Sends after the previous step was answered; a failed step fails the upload and abandons the session. */
  private Future<Message<Object>> send(String step, Buffer chunk) {
    Future<Message<Object>> sent = sending.compose(v -> session()).compose(address -> vertx.eventBus()
        .request(address, chunk, new DeliveryOptions().setSendTimeout(STEP_TIMEOUT_MS)
            .addHeader(UploadSession.STEP, step)));
    sending = sent;
    return sent.onFailure(this::giveUp);
  }

  private Future<String> session() {
    if (session == null) {
      session = calls.request(UsageRoutes.INGEST, Addresses.DATA_INGEST, file.toJson(), new DeliveryOptions())
          .map(reply -> reply.getString(UploadSession.ADDRESS));
    }
    return session;
  }

  /** Too large, the client went away, or data failed: tell data to drop what it has, answer the failure. */
  private void giveUp(Throwable cause) {
    if (!result.tryFail(cause instanceof ReplyException ? cause : ErrorCode.BAD_REQUEST.failure(
        "the upload did not arrive whole: " + cause.getMessage()))) {
      return;
    }
    if (session != null) { // a session data closed itself ignores this
      session.onSuccess(address -> vertx.eventBus().send(address, Buffer.buffer(),
          new DeliveryOptions().addHeader(UploadSession.STEP, UploadSession.ABORT)));
    }
  }
}
