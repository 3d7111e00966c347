package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.run.OwnedQuery;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.UsageFile;
import apex.runtime.bus.BusCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * {@code POST /api/usage} (a raw body or a multipart file), {@code GET /api/usage/uploads},
 * {@code DELETE /api/usage/uploads/{id}}; always the caller's own uploads. A stored upload answers
 * 201 with its summary; a refused one 422 with the row/column problems, nothing stored.
 */
final class UsageRoutes {
  /** Parsing and storing a big file takes a while and must not be sent twice: its own breaker. */
  static final String INGEST = "data-ingest";

  private final Vertx vertx;
  private final BusCalls calls;

  UsageRoutes(Vertx vertx, BusCalls calls) {
    this.vertx = vertx;
    this.calls = calls;
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
    return content(ctx)
        .compose(file -> calls.request(INGEST, Addresses.DATA_INGEST,
            new UsageFile(user.userId(), file.filename(), file.contentType(), file.content()).toJson(), new DeliveryOptions()))
        .map(result -> result.copy().put(RestApi.STATUS_OVERRIDE,
            IngestResult.STORED.equals(result.getString("status")) ? 201 : ErrorCode.VALIDATION_FAILED.httpStatus()));
  }

  /** The uploaded text: the first multipart file, else the raw body. */
  private Future<UsageFile> content(RoutingContext ctx) {
    if (!ctx.fileUploads().isEmpty()) {
      FileUpload upload = ctx.fileUploads().get(0);
      return vertx.fileSystem().readFile(upload.uploadedFileName())
          .map(buffer -> new UsageFile(null, upload.fileName(), upload.contentType(), buffer.toString(StandardCharsets.UTF_8)));
    }
    if (ctx.body().length() == 0) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure(
          "no usage data: send a CSV, JSON array or NDJSON body, or a multipart file"));
    }
    String filename = ctx.request().getParam("filename");
    return Future.succeededFuture(new UsageFile(null, filename, ctx.request().getHeader("Content-Type"),
        ctx.body().asString(StandardCharsets.UTF_8.name())));
  }
}
