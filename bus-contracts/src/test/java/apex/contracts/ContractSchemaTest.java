package apex.contracts;

import apex.contracts.auth.Credentials;
import apex.contracts.auth.Ticket;
import apex.contracts.auth.TokenResponse;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.browser.ClientFrames;
import apex.contracts.browser.ServerFrames;
import apex.contracts.run.EventType;
import apex.contracts.run.RunAccepted;
import apex.contracts.run.RunEvent;
import apex.contracts.run.RunRef;
import apex.contracts.run.StartRun;
import apex.contracts.run.ThreadMessage;
import apex.contracts.stage.AnomalyResult;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.DataResult;
import apex.contracts.stage.Entities;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.Recommendation;
import apex.contracts.stage.ReportResult;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import apex.contracts.usage.IngestResult;
import apex.contracts.usage.RowProblem;
import apex.contracts.usage.UploadSummary;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record's JSON validates against its schema, and reads back to an equal record. */
class ContractSchemaTest {

  static final Window WINDOW = new Window("2026-10-24", "2026-11-22", 30);
  static final RunRef RUN = new RunRef("r-1", "t-1", "u-1");
  static final TriageResult TRIAGE = new TriageResult("cost_analysis",
      new Entities(List.of("gpt-5.4"), List.of("openai"), List.of("support-bot"), 30,
          "last 30 days", List.of(500.0), List.of(20.0)), WINDOW, TriageResult.SUFFICIENT, 1200, 0.8,
      List.of("data", "optimizer", "report"), "rules");
  static final DataResult DATA = new DataResult(WINDOW,
      new DataResult.Totals(1200, 900_000, 100_000, 5_000, 200_000, 20_000, 12, 412.5),
      List.of(new DataResult.ModelSpend("openai", "gpt-5.4", 1200, 900_000, 100_000, 200_000, 412.5)),
      List.of(new DataResult.FeatureSpend("support-bot", 1200, 412.5)),
      List.of(new DataResult.ProviderSpend("openai", 1200, 412.5)),
      List.of(new DataResult.FeatureModelSpend("support-bot", "openai", "gpt-5.4", 1200, 900_000, 200_000, 166.7, 412.5)),
      List.of(new DataResult.DaySpend("2026-11-21", 40, 13.75)),
      List.of(new DataResult.CacheUse("support-bot", "openai", "gpt-5.4", 1200, 900_000, 100_000, 5_000, 200_000,
          0.11, 600, 700, 412.5)),
      List.of(new DataResult.FailureWaste("support-bot", "openai", "gpt-5.4", 1200, 12, 8, 2, 2, 3.1, 412.5,
          "2026-11-20T14", 6)),
      List.of(new DataResult.OutputUse("support-bot", "openai", "gpt-5.4", 1200, 1024, 150, 400, 9, 2.5, 3, 12_000,
          412.5)),
      List.of(new DataResult.DuplicateUse("support-bot", "openai", "gpt-5.4", 1200, 1100, 100, 34.4, 412.5)),
      List.of(new DataResult.LatencyStats("openai", "gpt-5.4", 1188, 900, 2400)),
      List.of(new DataResult.BatchUse("support-bot", "openai", "gpt-5.4", 1200, 0, 412.5, 412.5,
          java.util.Collections.nCopies(24, 50L))),
      List.of(new DataResult.DayAnomaly("2026-11-21", 13.75, 4.0, 9.75, 6.2, "support-bot", 9.0)),
      new DataResult.Forecast("2026-11", "2026-11-21", 300.0, 13.0, 0.2, 9, 417.0),
      new DataResult.Quality(1200, 0, 0, 12, 1200, 0, 12, List.of("prompt_hash")),
      List.of(), 3, false);
  static final Recommendation REC = new Recommendation("right-size-support-bot", "model_right_sizing",
      "Move support-bot to gpt-5.4-mini", "1,200 calls, 167 output tokens on average", 210.0, "medium", "low",
      "medium", List.of("Route support-bot to gpt-5.4-mini behind a flag", "Compare answers on 200 samples"));
  static final OptimizerResult OPT = new OptimizerResult(412.5, 210.0, List.of(REC), List.of(), "catalog");

  private static void assertValid(String schema, Contract record) {
    JsonObject json = record.toJson();
    List<String> problems = Schemas.get().problems(schema, json);
    assertTrue(problems.isEmpty(), () -> record.getClass().getSimpleName() + " vs " + schema + ": " + problems);
    if (!(record instanceof apex.contracts.browser.Frame)) {
      assertEquals(record, ContractJson.fromJson(json, record.getClass()), "round trip of " + schema);
    }
  }

  @Test
  void stageMessagesMatchTheirSchemas() {
    assertValid(Schemas.WINDOW, WINDOW);
    assertValid(Schemas.RUN_REF, RUN);
    assertValid(Schemas.TRIAGE_RESULT, TRIAGE);
    assertValid(Schemas.COVERAGE, new Coverage("u-1", WINDOW, 1200, 29, "2026-10-24", "2026-11-21",
        List.of("cached_input_tokens")));
    assertValid(Schemas.DATA_RESULT, DATA);
    assertValid(Schemas.RECOMMENDATION, REC);
    assertValid(Schemas.ANOMALY_RESULT, new AnomalyResult(DATA.anomalies(), "median and MAD of daily spend"));
    assertValid(Schemas.ANOMALY_RESULT, new AnomalyResult(List.of(new DataResult.DayAnomaly("2026-11-21", 13.75, 4.0,
        9.75, 6.2, null, 0)), "robust z > 3.5 (no feature breakdown)"));
    assertValid(Schemas.OPTIMIZER_RESULT, OPT);
    assertValid(Schemas.REPORT_RESULT, new ReportResult("# Report\n$412.50", new ReportResult.Report("Your AI spend",
        "You spent $412.50", WINDOW, 412.5, 426.3, 210.0, 49.3, List.of(REC),
        List.of(new ReportResult.ChartPoint("gpt-5.4", 412.5)), List.of(new ReportResult.ChartPoint("2026-11-21", 13.75)),
        List.of(new ReportResult.ChartPoint("2026-11-22", 13.9)), 426.3,
        List.of(new ReportResult.ActionStep("this week", "right-size-support-bot", "Route support-bot behind a flag")),
        List.of(), List.of("Spend is the sum of cost_usd"))));
    assertValid(Schemas.STAGE_REQUEST, new StageRequest(RUN, "Analyze my AI costs", TRIAGE, DATA, OPT));
    assertValid(Schemas.STAGE_REQUEST, new StageRequest(RUN, "Analyze my AI costs", null, null, null));
  }

  @Test
  void runAndAuthMessagesMatchTheirSchemas() {
    assertValid(Schemas.START_RUN, new StartRun("u-1", "c-1", null, "Analyze my AI costs"));
    assertValid(Schemas.CREDENTIALS, new Credentials("demo@apex.dev", "a long password"));
    assertValid(Schemas.TOKEN_RESPONSE, new TokenResponse("eyJ.x.y", "Bearer", 900, "u-1", "r".repeat(43), 604800));
    assertValid(Schemas.TICKET, new Ticket("abcdefghijklmnopqrstuvwxyz012345", 30));
    assertValid(Schemas.VERIFIED_USER, new VerifiedUser("u-1", "demo@apex.dev", List.of("user"), 1_900_000_000L, "j-1", "s-1"));
  }

  @Test
  void usageMessagesMatchTheirSchemas() {
    UploadSummary summary = new UploadSummary("upl_1", "usage.csv", "csv", 1200, "2026-10-24T00:00:00Z",
        "2026-11-21T23:59:00Z", 412.5, List.of("mystery-model"), "2026-11-22T10:00:00Z",
        List.of("ts", "model", "input_tokens", "output_tokens", "cost_usd"));
    assertValid(Schemas.UPLOAD_SUMMARY, summary);
    assertValid(Schemas.INGEST_RESULT, new IngestResult(IngestResult.STORED, summary, null, 0));
    assertValid(Schemas.INGEST_RESULT, new IngestResult(IngestResult.REJECTED, null,
        List.of(new RowProblem(7, "prompt_tokens", "not a whole number: 'abc'"), new RowProblem(0, null, "the file is empty")), 2));
  }

  @Test
  void framesMatchTheBrowserProtocol() {
    assertValid(Schemas.CLIENT_FRAME, new ClientFrames.UserMessage("c-1", null, "hello"));
    assertValid(Schemas.CLIENT_FRAME, new ClientFrames.StopAgent("r-1"));
    assertValid(Schemas.CLIENT_FRAME, new ClientFrames.Resume("r-1", 3));
    assertValid(Schemas.CLIENT_FRAME, new ClientFrames.GetThreadHistory("t-1"));
    assertValid(Schemas.CLIENT_FRAME, new ClientFrames.Ping());
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.ConnectionReady("k-1", "u-1", ServerFrames.PROTOCOL_VERSION));
    assertValid(Schemas.SERVER_FRAME, new RunAccepted("c-1", "r-1", "t-1"));
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.ErrorFrame("invalid_frame", "not JSON", null));
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.ErrorFrame("rate_limited", "slow down", "c-1", 1200L));
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.Pong());
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.UploadProgress("up-1", ServerFrames.UploadProgress.PARSING,
        120_000, 41.5));
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.UploadProgress("up-1", ServerFrames.UploadProgress.DONE, 0,
        null));
    assertValid(Schemas.SERVER_FRAME, new ServerFrames.ThreadHistory("t-1", "Analyze",
        List.of(new ThreadMessage("user", "Analyze", "r-1", "2026-11-22T10:00:00Z"))));
  }

  @Test
  void everyRunEventTypeMatchesItsSchema() {
    Map<EventType, JsonObject> fields = Map.of(
        EventType.AGENT_STARTED, new JsonObject().put("stage_index", 0).put("plan", List.of("triage")),
        EventType.AGENT_THINKING, new JsonObject().put("reasoning", "Reading the question").put("progress", 0.1),
        EventType.TOOL_EXECUTING, new JsonObject().put("tool", "spend_by_model").put("tool_call_id", "x")
            .put("parameters", new JsonObject()),
        EventType.TOOL_COMPLETED, new JsonObject().put("tool", "spend_by_model").put("tool_call_id", "x")
            .put("duration_ms", 3).put("result", new JsonObject()),
        EventType.AGENT_COMPLETED, new JsonObject().put("status", "ok").put("duration_ms", 5)
            .put("result", new JsonObject()),
        EventType.RUN_COMPLETED, new JsonObject().put("final_response", "# Report").put("report", new JsonObject())
            .put("degraded", false),
        EventType.RUN_FAILED, new JsonObject().put("code", "timeout").put("message", "The run took too long"));
    long seq = 1;
    for (EventType type : EventType.values()) {
      RunEvent event = new RunEvent(type, "r-1", "t-1", seq++, "2026-11-22T10:00:00.123Z", "supervisor", fields.get(type));
      JsonObject json = event.toJson();
      assertTrue(Schemas.get().problems(Schemas.RUN_EVENT, json).isEmpty(), type + ": " + json);
      assertTrue(Schemas.get().problems(Schemas.SERVER_FRAME, json).isEmpty(), type + " as frame: " + json);
      assertEquals(event, RunEvent.fromJson(json));
    }
  }

  @Test
  void schemaRejectsWhatTheProtocolForbids() {
    assertFalse(Schemas.get().problems(Schemas.CLIENT_FRAME, new JsonObject().put("type", "nope")).isEmpty());
    assertFalse(Schemas.get().problems(Schemas.CLIENT_FRAME,
        new JsonObject().put("type", "user_message").put("client_msg_id", "c").put("text", "")).isEmpty());
    assertFalse(Schemas.get().problems(Schemas.CLIENT_FRAME,
        new JsonObject().put("type", "user_message").put("client_msg_id", "c").put("text", "x").put("user_id", "u"))
        .isEmpty(), "a client must not name a user id");
    assertFalse(Schemas.get().problems(Schemas.RUN_EVENT, new RunEvent(EventType.AGENT_THINKING, "r", "t", 1,
        "2026-11-22T10:00:00Z", "triage", new JsonObject()).toJson()).isEmpty(), "thinking without reasoning");
  }

  @Test
  void uploadProgressOutsideItsRangeIsRefused() {
    assertFalse(Schemas.get().problems(Schemas.SERVER_FRAME,
        new ServerFrames.UploadProgress("up-1", "uploading", 1, 5.0).toJson()).isEmpty(), "unknown phase");
    assertFalse(Schemas.get().problems(Schemas.SERVER_FRAME,
        new ServerFrames.UploadProgress("up-1", "parsing", 1, 140.0).toJson()).isEmpty(), "over 100 percent");
  }

  @Test
  void malformedRecordJsonNamesTheRecord() {
    ContractException e = assertThrows(ContractException.class,
        () -> ContractJson.fromJson(new JsonObject().put("rows", "many"), Coverage.class));
    assertTrue(e.getMessage().startsWith("Coverage"), e.getMessage());
  }
}
