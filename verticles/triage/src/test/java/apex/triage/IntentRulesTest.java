package apex.triage;

import apex.contracts.Schemas;
import apex.contracts.stage.Coverage;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntentRulesTest {

  @Test
  void classifiesTheGoldenQuestionAsCostAnalysisOverThirtyDays() {
    IntentRules.Classification c = IntentRules.classify("Analyze my AI costs for the last 30 days");
    assertEquals("cost_analysis", c.intent());
    assertEquals(30, c.windowDays());
    assertEquals(30, c.entities().windowDays());
  }

  @Test
  void findsSpecificIntentsWindowsAndNamedModels() {
    assertEquals("model_selection", IntentRules.classify("Which model should I switch gpt-5.4 to?").intent());
    assertEquals(List.of("gpt-5.4"), IntentRules.classify("Which model should I switch gpt-5.4 to?").entities().models());
    assertEquals("caching", IntentRules.classify("Would prompt caching help on anthropic?").intent());
    assertEquals(List.of("anthropic"), IntentRules.classify("Would prompt caching help on anthropic?").entities().providers());
    assertEquals("anomaly", IntentRules.classify("Why did spend spike on Tuesday?").intent());
    assertEquals(14, IntentRules.classify("spend over the past 2 weeks").windowDays());
    assertEquals(90, IntentRules.classify("costs this quarter").windowDays());
    assertEquals("general", IntentRules.classify("hello there").intent());
    assertNull(IntentRules.windowDays("hello there"));
  }

  @Test
  void absurdWindowsAreCapped() {
    assertEquals(IntentRules.MAX_WINDOW_DAYS, IntentRules.classify("costs over the last 999 months").windowDays());
  }

  @Test
  void sufficiencyFollowsTheUsersRows() {
    IntentRules.Classification c = IntentRules.classify("Analyze my AI costs for the last 30 days");
    Window w = TriageVerticle.windowOf(30);
    TriageResult none = TriageVerticle.result(c, w, new Coverage("u", w, 0, 0, null, null, List.of()));
    TriageResult thin = TriageVerticle.result(c, w, new Coverage("u", w, 40, 3, w.from(), w.to(), List.of()));
    TriageResult full = TriageVerticle.result(c, w, new Coverage("u", w, 4000, 30, w.from(), w.to(), List.of()));
    assertEquals(TriageResult.INSUFFICIENT, none.dataSufficiency());
    assertEquals(List.of("report"), none.plan());
    assertEquals(TriageResult.PARTIAL, thin.dataSufficiency());
    assertEquals(TriageResult.SUFFICIENT, full.dataSufficiency());
    assertTrue(Schemas.get().problems(Schemas.TRIAGE_RESULT, full.toJson()).isEmpty());
  }
}
