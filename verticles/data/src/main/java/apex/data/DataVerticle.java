package apex.data;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.Window;
import apex.contracts.run.OwnedQuery;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.UploadSummary;
import apex.contracts.usage.UploadSession;
import apex.contracts.usage.UsageFile;
import apex.data.demo.DemoSeeder;
import apex.data.ingest.IngestSession;
import apex.data.ingest.UploadIngest;
import apex.data.ingest.UsageFileParser;
import apex.data.usage.AggregateCache;
import apex.data.usage.CatalogCost;
import apex.data.usage.RollupBackfill;
import apex.data.usage.UploadStore;
import apex.data.usage.UsageAnalysis;
import apex.data.usage.UsageWriter;
import apex.runtime.ApexVerticle;
import apex.runtime.node.NodeSlots;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.storage.Postgres;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Owns usage records: takes uploads (parsed off the event loop, stored all or nothing), lists and
 * deletes them, and answers the analyses over them. Each analysis runs as a tool the user sees in
 * the data card, with its parameters, duration and a summary of what it found; results are cached
 * per data version, which every stored upload and every delete moves on. Uploads stored before the
 * analyses read rollups are rolled up before it serves ({@link RollupBackfill}).
 */
public class DataVerticle extends ApexVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(DataVerticle.class);
  private UsageAnalysis analysis;
  private AggregateCache cache;
  /** Uploads being stored on this node ({@code usage.max_in_flight_per_node}): each holds a JDBC connection and a thread. */
  private NodeSlots uploadSlots;
  private UploadStore uploads;
  private UsageWriter writer;
  private UsageFileParser parser;

  public DataVerticle() {
    super("data", Addresses.STAGE_DATA);
  }

  @Override
  protected Future<?> startService() {
    return vertx.executeBlocking(PricingCatalog::load).compose(catalog -> postgres("usage").compose(pool -> {
      cache = new AggregateCache(redis());
      uploadSlots = new NodeSlots(vertx, "uploads", settings.integer("usage.max_in_flight_per_node"));
      analysis = new UsageAnalysis(pool, cache);
      uploads = new UploadStore(pool);
      writer = new UsageWriter(vertx, Postgres.jdbc(settings));
      parser = new UsageFileParser(CatalogCost.of(catalog));
      return new RollupBackfill(vertx, Postgres.jdbc(settings)).run().compose(rolledUp -> Future.all(List.of(
              serveStage(Addresses.STAGE_DATA, Agent.DATA, this::analyse),
              serve(Addresses.DATA_COVERAGE, this::coverage),
              serve(Addresses.DATA_INGEST, this::ingest),
              serve(Addresses.DATA_UPLOADS, body -> uploads.list(userOf(body))
                  .map(list -> new JsonObject().put("uploads", list.stream().map(UploadSummary::toJson).toList()))),
              serve(Addresses.DATA_UPLOAD_DELETE, body -> {
                OwnedQuery query = ContractJson.fromJson(body, OwnedQuery.class);
                return uploads.delete(query.userId(), query.id())
                    .compose(v -> cache.bump(query.userId()))
                    .onSuccess(v -> warm(query.userId()))
                    .map(v -> new JsonObject().put("deleted", query.id()));
              }))))
          .compose(v -> settings.flag("demo.seed")
              ? new DemoSeeder(vertx, settings, calls, redis(), cache, pool, writer, catalog).seed()
              : Future.succeededFuture());
    }));
  }

  /**
   * Opens an upload session: ws-bridge streams the file to the address answered, and it is parsed on
   * a worker thread and stored as it arrives, every row in one transaction or none (UploadSession).
   */
  private Future<JsonObject> ingest(JsonObject body) {
    UsageFile file = ContractJson.fromJson(body, UsageFile.class);
    if (file.userId() == null || file.userId().isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("an upload needs user_id"));
    }
    if (!uploadSlots.tryTake()) {
      return Future.failedFuture(ErrorCode.BUSY.failure("this node is already storing " + uploadSlots.max()
          + " uploads; try again in a moment"));
    }
    String source = file.filename() == null || file.filename().isBlank() ? "upload" : file.filename();
    UploadIngest ingest = new UploadIngest(vertx, parser, writer, file.userId(), source);
    return IngestSession.open(vertx, file, ingest, uploadSlots::give, outcome -> outcome.stored() == null
            ? Future.succeededFuture(new IngestResult(IngestResult.REJECTED, null, outcome.parsed().problems(),
                outcome.parsed().problemCount()).toJson())
            : cache.bump(file.userId()).onSuccess(v -> warm(file.userId()))
                .compose(v -> uploads.get(file.userId(), outcome.stored().uploadId()))
                .map(summary -> new IngestResult(IngestResult.STORED, summary, List.of(), 0).toJson()))
        .map(address -> new JsonObject().put(UploadSession.ADDRESS, address));
  }

  /**
   * After an upload or a delete: the analysis of the default window (what a question that names no
   * window, or "the last 30 days", asks about) is worked out in the background, so the user's first
   * question after new data reads it instead of waiting for it.
   */
  private void warm(String userId) {
    analysis.warm(userId).onFailure(e -> LOG.warn("the last {} days of {} were not worked out ahead: {}",
        Window.DEFAULT_DAYS, userId, e.getMessage()));
  }

  private static String userOf(JsonObject body) {
    String userId = body.getString("user_id");
    if (userId == null || userId.isBlank()) {
      throw ErrorCode.BAD_REQUEST.failure("user_id: required");
    }
    return userId;
  }

  private Future<JsonObject> coverage(JsonObject body) {
    Coverage query = ContractJson.fromJson(body, Coverage.class);
    if (query.userId() == null || query.window() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("coverage needs user_id and window"));
    }
    return analysis.coverage(query.userId(), query.window()).map(Coverage::toJson);
  }

  private Future<DataResult> analyse(StageRequest request, StageWork work) {
    if (request.triage() == null || request.triage().window() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("data needs triage.window"));
    }
    return analysis.run(request.run().userId(), request.triage().window(), work);
  }
}
