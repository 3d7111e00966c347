package apex.triage;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.runtime.ApexVerticle;
import apex.runtime.llm.IntentRefiner;
import apex.runtime.llm.LlmClient;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Classifies the question by rules ({@link QuestionRules}) and measures whether the user's own
 * usage in the window can answer it ({@link Sufficiency}).
 */
public class TriageVerticle extends ApexVerticle {
  private IntentRefiner refiner;

  public TriageVerticle() {
    super("triage", Addresses.STAGE_TRIAGE);
  }

  @Override
  protected Future<?> startService() {
    refiner = new IntentRefiner(LlmClient.create(vertx, settings, calls));
    return serveStage(Addresses.STAGE_TRIAGE, Agent.TRIAGE, this::triage);
  }

  private Future<TriageResult> triage(StageRequest request, StageWork work) {
    if (request.question() == null || request.question().isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("triage needs a non-empty question"));
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return work.think("Reading the question to find what you want to know and over which period.", 0.1)
        .compose(v -> work.tool("classify_intent", new JsonObject().put("question_chars", request.question().length()),
            () -> Future.succeededFuture(QuestionRules.classify(request.question(), today)),
            c -> new JsonObject().put("intent", c.intent()).put("window", c.window().toJson())
                .put("entities", c.entities().toJson())))
        .compose(rules -> refiner.refine(request.run().runId(), request.question(), rules.intent(), rules.confidence())
            .map(r -> new Refined(new QuestionRules.Classification(r.intent(), rules.entities(), rules.window(),
                rules.confidence()), r.method())))
        .compose(refined -> work.tool("check_data_coverage", refined.rules().window().toJson(),
                () -> calls.request("data", Addresses.DATA_COVERAGE,
                        new Coverage(request.run().userId(), refined.rules().window(), 0, 0, null, null, List.of())
                            .toJson(),
                        new DeliveryOptions())
                    .map(json -> ContractJson.fromJson(json, Coverage.class)),
                cov -> new JsonObject().put("rows", cov.rows()).put("days_with_data", cov.daysWithData())
                    .put("missing_fields", cov.missingFields()))
            .map(coverage -> result(refined.rules(), coverage, refined.method())));
  }

  /** The classification after the optional LLM look, and how its intent was found. */
  private record Refined(QuestionRules.Classification rules, String method) {}

  static TriageResult result(QuestionRules.Classification c, Coverage coverage, String classifier) {
    Sufficiency sufficiency = Sufficiency.of(c.window(), coverage);
    return new TriageResult(c.intent(), c.entities(), c.window(), sufficiency.level(), coverage.rows(),
        c.confidence(), sufficiency.plan(), sufficiency.method(classifier));
  }
}
