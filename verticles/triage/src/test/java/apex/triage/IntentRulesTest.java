package apex.triage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntentRulesTest {

  @Test
  void theSpecificAskBeatsTheMoneyWordsAround() {
    assertEquals("caching", IntentRules.classify("can prompt caching cut the bill by 40%?", false).name());
    assertEquals("anomaly", IntentRules.classify("why did spend spike, should we switch models?", false).name());
    assertEquals("cost_analysis", IntentRules.classify("upload is done, now analyze costs", false).name());
  }

  @Test
  void aTieGoesToTheFamilyListedFirst() {
    IntentRules.Intent tie = IntentRules.classify("which model is fastest", false);
    assertEquals("latency", tie.name());
    assertEquals(tie.score(), tie.runnerUp());
  }

  @Test
  void namedUsageColumnsSpeakForUploadHelp() {
    assertEquals("general", IntentRules.classify("we have no  there", false).name());
    assertEquals("data_upload_help", IntentRules.classify("we have no  there", true).name());
  }

  @Test
  void confidenceFollowsTheRuleStrength() {
    IntentRules.Intent none = IntentRules.classify("tell me something", false);
    IntentRules.Intent weak = IntentRules.classify("costs?", false);
    IntentRules.Intent strong = IntentRules.classify("forecast month-end spend, are we on track with the budget", false);
    IntentRules.Intent close = IntentRules.classify("which model is fastest", false);
    assertEquals("general", none.name());
    assertEquals(0.3, none.confidence());
    assertTrue(weak.confidence() < strong.confidence(), weak + " vs " + strong);
    assertTrue(close.confidence() < IntentRules.classify("which model is cheapest", false).confidence());
    assertTrue(strong.confidence() <= 0.95);
  }
}
