package apex.triage;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import apex.runtime.ApexVerticle;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Classifies the question by rules and measures whether the user's own usage in the window can
 * answer it: no rows → insufficient (the report explains how to upload), thin coverage → partial.
 */
public class TriageVerticle extends ApexVerticle {
  /** Below this many rows, or with data on fewer than half the window's days, the answer is partial. */
  static final int MIN_ROWS = 50;

  public TriageVerticle() {
    super("triage", Addresses.STAGE_TRIAGE);
  }

  @Override
  protected Future<?> startService() {
    return serveStage(Addresses.STAGE_TRIAGE, Agent.TRIAGE, this::triage);
  }

  private Future<TriageResult> triage(StageRequest request, StageWork work) {
    if (request.question() == null || request.question().isBlank()) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("triage needs a non-empty question"));
    }
    return work.think("Reading the question to find what you want to know and over which period.", 0.1)
        .compose(v -> work.tool("classify_intent", new JsonObject().put("question_chars", request.question().length()),
            () -> Future.succeededFuture(IntentRules.classify(request.question())),
            c -> new JsonObject().put("intent", c.intent()).put("window_days", c.windowDays())
                .put("models", c.entities().models()).put("providers", c.entities().providers())))
        .compose(c -> {
          Window window = windowOf(c.windowDays());
          return work.tool("check_data_coverage", window.toJson(),
                  () -> calls.request("data", Addresses.DATA_COVERAGE,
                          new Coverage(request.run().userId(), window, 0, 0, null, null, List.of()).toJson(), new DeliveryOptions())
                      .map(json -> ContractJson.fromJson(json, Coverage.class)),
                  cov -> new JsonObject().put("rows", cov.rows()).put("days_with_data", cov.daysWithData()))
              .map(coverage -> result(c, window, coverage));
        });
  }

  static Window windowOf(int days) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return new Window(today.minusDays(days - 1L).toString(), today.toString(), days);
  }

  static TriageResult result(IntentRules.Classification c, Window window, Coverage coverage) {
    String sufficiency;
    if (coverage.rows() == 0) {
      sufficiency = TriageResult.INSUFFICIENT;
    } else if (coverage.rows() < MIN_ROWS || coverage.daysWithData() * 2 < window.days()) {
      sufficiency = TriageResult.PARTIAL;
    } else {
      sufficiency = TriageResult.SUFFICIENT;
    }
    List<String> plan = TriageResult.INSUFFICIENT.equals(sufficiency)
        ? List.of("report") : List.of("data", "optimizer", "report");
    return new TriageResult(c.intent(), c.entities(), window, sufficiency, coverage.rows(), c.confidence(), plan, "rules");
  }
}
