package apex.report;

import apex.contracts.Addresses;
import apex.contracts.ErrorCode;
import apex.contracts.run.Agent;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.StageRequest;
import apex.runtime.ApexVerticle;
import apex.runtime.llm.LlmClient;
import apex.runtime.llm.NarrativeWriter;
import apex.runtime.stage.StageWork;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** Writes the answer: markdown for the chat and the same content as structured JSON. */
public class ReportVerticle extends ApexVerticle {
  private final ReportComposer composer = new ReportComposer();
  private NarrativeWriter narrative;

  public ReportVerticle() {
    super("report", Addresses.STAGE_REPORT);
  }

  @Override
  protected Future<?> startService() {
    narrative = new NarrativeWriter(LlmClient.create(vertx, settings, calls));
    return serveStage(Addresses.STAGE_REPORT, Agent.REPORT, this::report);
  }

  private Future<ReportResult> report(StageRequest request, StageWork work) {
    if (request.triage() == null) {
      return Future.failedFuture(ErrorCode.BAD_REQUEST.failure("report needs triage"));
    }
    String what = request.data() == null ? "how to bring your usage in" : "the summary, the table and the action plan";
    return work.think("Writing " + what + ".", 0.2)
        .compose(v -> work.tool("compose_report", new JsonObject()
                .put("has_data", request.data() != null)
                .put("recommendations", request.optimizer() == null ? 0 : request.optimizer().recommendations().size()),
            () -> Future.succeededFuture(composer.answer(request.run().runId(), request.question(), request.triage(),
                request.data(), request.optimizer(), notes(request))),
            r -> new JsonObject().put("markdown_chars", r.markdown().length()).put("title", r.report().title())))
        .compose(r -> narrative.write(request.run().runId(), r.report().summary(), figures(r.report()))
            .map(n -> NarrativeWriter.METHOD_LLM.equals(n.method())
                ? composer.answer(request.run().runId(), request.question(), request.triage(), request.data(),
                    request.optimizer(), notes(request), n.text())
                : r));
  }

  /** What fell back before the report (the supervisor's notes), shown with the data-quality notes. */
  private static List<String> notes(StageRequest request) {
    return request.degradedNotes() == null ? List.of() : request.degradedNotes();
  }

  private static Map<String, Double> figures(ReportResult.Report report) {
    return Map.of("window_spend_usd", report.windowSpendUsd(), "monthly_spend_usd", report.monthlySpendUsd(),
        "total_monthly_savings_usd", report.totalMonthlySavingsUsd(), "savings_percent", report.savingsPercent());
  }
}
