package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.run.OwnedQuery;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.UsageFile;
import apex.runtime.bus.BusCalls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * {@code POST /api/usage} (a raw body or a multipart file), {@code GET /api/usage/uploads},
 * {@code DELETE /api/usage/uploads/{id}}; always the caller's own uploads. A stored upload answers
 * 201 with its summary; a refused one 422 with the row/column problems, nothing stored. The upload
 * body is streamed to data as it arrives ({@link UploadForwarder}), never held whole here.
 */
final class UsageRoutes {
  /** Parsing and storing a big file takes a while and must not be sent twice: its own breaker. */
  static final String INGEST = "data-ingest";
  /** What a client may name its upload for the {@code upload_progress} frames. */
  private static final Pattern UPLOAD_REF = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Vertx vertx;
  private final BusCalls calls;
  private final long uploadLimit;

  UsageRoutes(Vertx vertx, BusCalls calls, long uploadLimit) {
    this.vertx = vertx;
    this.calls = calls;
    this.uploadLimit = uploadLimit;
  }

  void mount(Router router, BiConsumer<RoutingContext, BiFunction<VerifiedUser, RoutingContext, Future<JsonObject>>> auth) {
    // The caller was verified before the body was read (RestApi); no second round trip to auth.
    router.post("/api/usage").handler(ctx -> RestApi.respond(ctx, upload(ctx.get(RestApi.VERIFIED_USER), ctx), 200));
    router.get("/api/usage/uploads").handler(ctx -> auth.accept(ctx, (user, c) ->
        calls.request("data", Addresses.DATA_UPLOADS, new JsonObject().put("user_id", user.userId()), new DeliveryOptions())));
    router.delete("/api/usage/uploads/:id").handler(ctx -> auth.accept(ctx, (user, c) ->
        calls.request("data", Addresses.DATA_UPLOAD_DELETE, new OwnedQuery(user.userId(), c.pathParam("id")).toJson(),
            new DeliveryOptions()).map(deleted -> deleted.put(RestApi.STATUS_OVERRIDE, 204))));
  }

  private Future<JsonObject> upload(VerifiedUser user, RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    return body(user, request)
        .onFailure(e -> {
          if (!request.isEnded()) { // the rest of the body is not read: do not leave the client sending
            ctx.response().putHeader("Connection", "close");
          }
        })
        .map(result -> result.copy().put(RestApi.STATUS_OVERRIDE,
            IngestResult.STORED.equals(result.getString("status")) ? 201 : ErrorCode.VALIDATION_FAILED.httpStatus()));
  }

  /** The first multipart file, else the raw body; the request is paused until here (RestApi). */
  private Future<JsonObject> body(VerifiedUser user, HttpServerRequest request) {
    String uploadRef = request.getParam("upload_ref");
    if (uploadRef != null && !UPLOAD_REF.matcher(uploadRef).matches()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(
          "upload_ref: 1 to 64 letters, digits, '-' or '_'"));
    }
    String length = request.getHeader("Content-Length");
    long size = length == null || !length.matches("\\d{1,18}") ? 0 : Long.parseLong(length);
    if (size > uploadLimit) {
      return Future.failedFuture(ErrorCode.PAYLOAD_TOO_LARGE.failure("body is larger than " + uploadLimit + " bytes"));
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      UsageFile file = new UsageFile(user.userId(), request.getParam("filename"), contentType, uploadRef, size);
      return UploadForwarder.forward(vertx, calls, uploadLimit, file, request);
    }
    Promise<JsonObject> answer = Promise.promise();
    AtomicBoolean fileSeen = new AtomicBoolean();
    request.setExpectMultipart(true);
    request.uploadHandler(part -> {
      if (fileSeen.getAndSet(true)) {
        part.handler(ignored -> { }); // only the first file is read
        return;
      }
      UsageFile file = new UsageFile(user.userId(), part.filename(), part.contentType(), uploadRef, size);
      UploadForwarder.forward(vertx, calls, uploadLimit, file, part).onComplete(answer);
    });
    request.endHandler(v -> {
      if (!fileSeen.get()) {
        answer.tryFail(ErrorCode.BAD_REQUEST.failure("no usage data: the multipart form has no file"));
      }
    });
    request.resume();
    return answer.future();
  }
}
