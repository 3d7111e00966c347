package apex.contracts;

import apex.contracts.auth.VerifiedUser;
import apex.contracts.browser.ServerFrames;
import apex.contracts.run.RunRef;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.Entities;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContractJsonTest {

  private static final TriageResult TRIAGE = new TriageResult("cost_breakdown",
      new Entities(List.of("gpt-4o"), List.of(), List.of(), 30, "last 30 days", List.of(12.5), null),
      new Window("2026-10-23", "2026-11-22", 30), TriageResult.SUFFICIENT, 1_030, 0.9,
      List.of("triage", "data"), "rules");

  @Test
  void nestedRecordsGoToSnakeCaseJsonWithoutNullsAndBack() {
    StageRequest request = new StageRequest(new RunRef("r-1", "t-1", "u-1"), "Where does it go?", TRIAGE, null, null);
    JsonObject json = request.toJson();

    assertEquals("r-1", json.getJsonObject("run").getString("run_id"));
    assertEquals("last 30 days", json.getJsonObject("triage").getJsonObject("entities").getString("window_text"));
    assertEquals(new JsonArray().add(12.5), json.getJsonObject("triage").getJsonObject("entities").getJsonArray("amounts_usd"));
    assertEquals(1_030L, json.getJsonObject("triage").getLong("rows_in_window"));
    assertFalse(json.containsKey("data"), "a null component is left out");
    assertFalse(json.getJsonObject("triage").getJsonObject("entities").containsKey("percentages"));
    // Through the wire's text and back: the same record.
    assertEquals(request, ContractJson.fromJson(new JsonObject(json.encode()), StageRequest.class));
  }

  @Test
  void framesCarryTheirTypeAndOptionalFieldsOnlyWhenSet() {
    JsonObject frame = new ServerFrames.ErrorFrame("busy", "Try again", "m-1").toJson();
    assertEquals(new JsonObject().put("type", "error").put("code", "busy").put("message", "Try again").put("ref", "m-1"),
        frame);
  }

  @Test
  void scalarsAreReadLenientlyAndUnknownFieldsIgnored() {
    VerifiedUser user = ContractJson.fromJson(new JsonObject().put("user_id", 42).put("email", "a@b.c")
        .put("roles", new JsonArray().add("user")).put("expires_at", "1700000000").put("jti", "j").put("sid", "s")
        .put("not_a_field", true), VerifiedUser.class);
    assertEquals(new VerifiedUser("42", "a@b.c", List.of("user"), 1_700_000_000L, "j", "s"), user);
  }

  @Test
  void aBodyThatDoesNotFitNamesTheRecordAndTheField() {
    JsonObject coverage = new Coverage("u-1", new Window("2026-10-23", "2026-11-22", 30), 10, 3, "2026-11-01",
        "2026-11-03", List.of()).toJson();

    assertProblem("Coverage: rows: \"many\" is not a number", coverage.copy().put("rows", "many"), Coverage.class);
    assertProblem("Coverage: days_with_data: missing (a long is required)", without(coverage, "days_with_data"),
        Coverage.class);
    assertProblem("Coverage: window.days: expected a number, found an object",
        coverage.copy().put("window", new JsonObject().put("from", "a").put("to", "b").put("days", new JsonObject())),
        Coverage.class);
    assertProblem("Coverage: user_id: expected text, found a list", coverage.copy().put("user_id", new JsonArray()),
        Coverage.class);
    assertProblem("VerifiedUser: roles: expected a list, found text",
        new JsonObject().put("user_id", "u").put("roles", "admin").put("expires_at", 1), VerifiedUser.class);
    assertProblem("VerifiedUser: roles[1]: expected text, found an object", new JsonObject().put("user_id", "u")
        .put("roles", new JsonArray().add("user").add(new JsonObject())).put("expires_at", 1), VerifiedUser.class);
    ContractException missing = assertThrows(ContractException.class, () -> ContractJson.fromJson(null, Coverage.class));
    assertEquals("Coverage: body is missing", missing.getMessage());
  }

  private static JsonObject without(JsonObject json, String field) {
    JsonObject copy = json.copy();
    copy.remove(field);
    return copy;
  }

  private static void assertProblem(String expected, JsonObject body, Class<?> type) {
    ContractException e = assertThrows(ContractException.class, () -> ContractJson.fromJson(body, type));
    assertEquals(expected, e.getMessage());
    assertTrue(e.getMessage().startsWith(type.getSimpleName()));
  }
}
