package apex.report;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.StageRequest;
import apex.runtime.ApexVerticle;
import apex.runtime.events.RunEventEmitter;
import apex.runtime.stage.StageWork;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** Writes the answer: markdown for the chat and the same content as structured JSON. */
public class ReportVerticle extends ApexVerticle {
  private final ReportComposer composer = new ReportComposer();
  private RunEventEmitter emitter;

  @Override
  protected String serviceName() {
    return "report";
  }

  @Override
  protected String serviceAddress() {
    return Addresses.STAGE_REPORT;
  }

  @Override
  protected Future<?> startService() {
    emitter = new RunEventEmitter(vertx, RedisStore.api(vertx, settings));
    return serve(Addresses.STAGE_REPORT, this::report);
  }

  private Future<JsonObject> report(JsonObject body) {
    StageRequest request = ContractJson.fromJson(body, StageRequest.class);
    if (request.run() == null || request.triage() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("report needs run and triage"));
    }
    StageWork work = new StageWork(emitter, request.run(), Agent.REPORT);
    String what = request.data() == null ? "how to bring your usage in" : "the summary, the table and the action plan";
    return work.think("Writing " + what + ".", 0.2)
        .compose(v -> work.tool("compose_report", new JsonObject()
                .put("has_data", request.data() != null)
                .put("recommendations", request.optimizer() == null ? 0 : request.optimizer().recommendations().size()),
            () -> Future.succeededFuture(composer.compose(request.question(), request.triage(), request.data(),
                request.optimizer(), List.of())),
            r -> new JsonObject().put("markdown_chars", r.markdown().length()).put("title", r.report().title())))
        .map(ReportResult::toJson);
  }
}
