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
import apex.data.usage.CatalogCost;
import apex.data.usage.UploadStore;
import apex.data.usage.UsageAggregates;
import apex.data.usage.UsageWriter;
import apex.runtime.ApexVerticle;
import apex.runtime.pricing.PricingCatalog;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Owns usage records: takes uploads (parsed off the event loop, stored all or nothing), lists and
 * deletes them, and answers the analyses over them. Each aggregate runs as a tool the user sees in
 * the data card, with its parameters, duration and a summary of what it found.
 */
public class DataVerticle extends ApexVerticle {
  private UsageAggregates aggregates;
  private UploadStore uploads;
  private UsageWriter writer;
  private UsageFileParser parser;

  public DataVerticle() {
    super("data", Addresses.STAGE_DATA);
  }

  @Override
  protected Future<?> startService() {
    return vertx.executeBlocking(PricingCatalog::load).compose(catalog -> postgres("usage").compose(pool -> {
      aggregates = new UsageAggregates(pool);
      uploads = new UploadStore(pool);
      writer = new UsageWriter(pool);
      parser = new UsageFileParser(CatalogCost.of(catalog));
      return Future.all(List.of(
              serveStage(Addresses.STAGE_DATA, Agent.DATA, this::analyse),
              serve(Addresses.DATA_COVERAGE, this::coverage),
              serve(Addresses.DATA_INGEST, this::ingest),
              serve(Addresses.DATA_UPLOADS, body -> uploads.list(userOf(body))
                  .map(list -> new JsonObject().put("uploads", list.stream().map(UploadSummary::toJson).toList()))),
              serve(Addresses.DATA_UPLOAD_DELETE, body -> {
                OwnedQuery query = ContractJson.fromJson(body, OwnedQuery.class);
                return uploads.delete(query.userId(), query.id()).map(v -> new JsonObject().put("deleted", query.id()));
              })))
          .compose(v -> settings.flag("demo.seed")
              ? new DemoSeeder(vertx, settings, calls, redis(), pool, writer, catalog).seed()
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
    String source = file.filename() == null || file.filename().isBlank() ? "upload" : file.filename();
    UploadIngest ingest = new UploadIngest(vertx, parser, writer, file.userId(), source);
    return IngestSession.open(vertx, file, ingest, outcome -> outcome.stored() == null
            ? Future.succeededFuture(new IngestResult(IngestResult.REJECTED, null, outcome.parsed().problems(),
                outcome.parsed().problemCount()).toJson())
            : uploads.get(file.userId(), outcome.stored().uploadId())
                .map(summary -> new IngestResult(IngestResult.STORED, summary, List.of(), 0).toJson()))
        .map(address -> new JsonObject().put(UploadSession.ADDRESS, address));
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
    return aggregates.coverage(query.userId(), query.window()).map(Coverage::toJson);
  }

  private Future<DataResult> analyse(StageRequest request, StageWork work) {
    if (request.triage() == null || request.triage().window() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("data needs triage.window"));
    }
    String user = request.run().userId();
    Window window = request.triage().window();
    JsonObject params = new JsonObject().put("from", window.from()).put("to", window.to());
    return work.think("Adding up your usage from " + window.from() + " to " + window.to() + ".", 0.1)
        .compose(v -> work.tool("spend_totals", params, () -> aggregates.totals(user, window),
            t -> new JsonObject().put("requests", t.requests()).put("cost_usd", t.costUsd())))
        .compose(totals -> work.tool("spend_by_model", params, () -> aggregates.spendByModel(user, window),
                rows -> top(rows.size(), rows.isEmpty() ? null : rows.get(0).model(), rows.isEmpty() ? 0 : rows.get(0).costUsd()))
            .compose(byModel -> work.tool("spend_by_feature", params, () -> aggregates.spendByFeature(user, window),
                    rows -> top(rows.size(), rows.isEmpty() ? null : rows.get(0).feature(), rows.isEmpty() ? 0 : rows.get(0).costUsd()))
                .compose(byFeature -> work.think("Breaking spend down by feature and model to find what could move.", 0.6)
                    .compose(v -> work.tool("spend_by_feature_model", params,
                        () -> aggregates.spendByFeatureModel(user, window),
                        rows -> new JsonObject().put("groups", rows.size())))
                    .compose(byFeatureModel -> work.tool("spend_by_day", params, () -> aggregates.spendByDay(user, window),
                            rows -> new JsonObject().put("days", rows.size()))
                        .compose(byDay -> work.tool("unpriced_models", params, () -> aggregates.unpricedModels(user, window),
                                models -> new JsonObject().put("models", models))
                            .map(unpriced -> new DataResult(window, totals, byModel, byFeature, List.of(),
                                byFeatureModel, byDay, List.of(), List.of(), List.of(), List.of(), List.of(),
                                List.of(), List.of(), null, new DataResult.Quality(totals.requests(), 0, 0, 0, 0,
                                0, 0, List.of()), unpriced, 0, false)))))));
  }

  private static JsonObject top(int count, String top, double topCost) {
    JsonObject summary = new JsonObject().put("rows", count);
    return top == null ? summary : summary.put("top", top).put("top_cost_usd", topCost);
  }
}
