package apex.runtime.llm;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A second opinion on a question the keyword rules classified with low confidence: the model picks
 * one intent of the fixed list. The rules' intent stands when the LLM is off, the rules were
 * confident, or the model fails or answers anything but an intent of the list.
 */
public final class IntentRefiner {
  private static final Logger LOG = LoggerFactory.getLogger(IntentRefiner.class);

  /** The intents of the triage contract ({@code triage-result.json}). */
  public static final List<String> INTENTS = List.of("cost_analysis", "model_selection", "caching", "batching",
      "budget_forecast", "anomaly", "latency", "data_upload_help", "general");

  /** Rules at or above this confidence are not second-guessed. */
  public static final double CONFIDENT = 0.6;

  static final String METHOD_RULES = "rules";
  static final String METHOD_LLM = "rules+llm";

  private static final String INSTRUCTIONS = """
      You classify one question a team asks about its own LLM API usage and spend. Answer with a JSON \
      object {"intent": "<intent>"} and nothing else, where <intent> is exactly one of: cost_analysis \
      (where the money goes, spend, savings), model_selection (which model to use, cheaper models), \
      caching (prompt caching), batching (batch APIs), budget_forecast (budgets, month-end projection), \
      anomaly (spikes, unusual changes), latency (speed, response times), data_upload_help (bringing \
      usage data in), general (anything else).""";

  /**
   * The intent to use. {@code method} is {@code rules+llm} when the model chose it, else
   * {@code rules}; {@code fallbackReason} says why an asked model's answer was not used.
   */
  public record Refinement(String intent, String method, String fallbackReason) {}

  private final LlmClient llm;

  public IntentRefiner(LlmClient llm) {
    this.llm = llm;
  }

  /** Never fails: any problem with the model leaves {@code rulesIntent}. */
  public Future<Refinement> refine(String runId, String question, String rulesIntent, double confidence) {
    if (!llm.enabled() || confidence >= CONFIDENT) {
      return Future.succeededFuture(new Refinement(rulesIntent, METHOD_RULES, null));
    }
    String input = "Question: " + question + "\nThe keyword rules guessed: " + rulesIntent + " (low confidence).";
    return llm.complete(INSTRUCTIONS, input, true)
        .map(IntentRefiner::intentOf)
        .map(intent -> new Refinement(intent, METHOD_LLM, null))
        .recover(failure -> {
          LOG.warn("run {}: intent refinement not used, keeping the rules' {}: {}", runId, rulesIntent,
              failure.getMessage());
          return Future.succeededFuture(new Refinement(rulesIntent, METHOD_RULES, failure.getMessage()));
        });
  }

  private static String intentOf(String answer) {
    Object intent;
    try {
      intent = new JsonObject(answer.strip()).getValue("intent");
    } catch (DecodeException | ClassCastException e) {
      throw new LlmFailure("llm intent answer is not a JSON object: " + abbreviate(answer));
    }
    if (!(intent instanceof String name) || !INTENTS.contains(name)) {
      throw new LlmFailure("llm answered an intent outside the list: " + abbreviate(String.valueOf(intent)));
    }
    return name;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
