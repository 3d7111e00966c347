package apex.triage;

import apex.contracts.Schemas;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result triage sends: sufficiency and plan from the user's coverage, valid against its schema. */
class TriageResultTest {
  private static final QuestionRules.Classification GOLDEN =
      QuestionRules.classify("Analyze my AI costs for the last 30 days", LocalDate.parse("2026-11-22"));
  private static final Window W = GOLDEN.window();

  @Test
  void noRowsInTheWindowIsInsufficientAndOnlyTheReportRuns() {
    TriageResult none = TriageVerticle.result(GOLDEN, new Coverage("u", W, 0, 0, null, null, null), "rules");
    assertEquals(TriageResult.INSUFFICIENT, none.dataSufficiency());
    assertEquals(List.of("report"), none.plan());
    assertEquals("rules", none.method());
    assertValid(none);
  }

  @Test
  void thinCoverageOrAMissingWatchedFieldIsPartialAndNamesTheFields() {
    TriageResult thin = TriageVerticle.result(GOLDEN, new Coverage("u", W, 40, 3, W.from(), W.to(), List.of()), "rules");
    TriageResult missing = TriageVerticle.result(GOLDEN, new Coverage("u", W, 4000, 30, W.from(), W.to(),
        List.of("cached_input_tokens", "output_tokens")), "rules");
    assertEquals(TriageResult.PARTIAL, thin.dataSufficiency());
    assertEquals(TriageResult.PARTIAL, missing.dataSufficiency());
    assertEquals("rules; missing_fields=cached_input_tokens,output_tokens", missing.method());
    assertEquals(List.of("data", "optimizer", "report"), missing.plan());
    assertValid(missing);
  }

  @Test
  void fullCoverageIsSufficient() {
    TriageResult full = TriageVerticle.result(GOLDEN, new Coverage("u", W, 4000, 30, W.from(), W.to(), List.of()), "rules");
    assertEquals(TriageResult.SUFFICIENT, full.dataSufficiency());
    assertEquals("cost_analysis", full.intent());
    assertEquals("last 30 days", full.entities().windowText());
    assertValid(full);
  }

  @Test
  void aBlankQuestionIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuestionRules.classify("  ", LocalDate.parse("2026-11-22")));
    assertTrue(e.getMessage().contains("non-empty question"));
  }

  private static void assertValid(TriageResult result) {
    List<String> problems = Schemas.get().problems(Schemas.TRIAGE_RESULT, result.toJson());
    assertTrue(problems.isEmpty(), problems.toString());
  }
}
