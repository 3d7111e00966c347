package apex.runtime.llm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An executive summary in the model's words, held to the report's facts: an answer that states a
 * number the facts do not contain, runs past three sentences or is empty is discarded, and the
 * template summary stands. With the LLM off the template is used without asking.
 */
public final class NarrativeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(NarrativeWriter.class);

  static final int MAX_SENTENCES = 3;
  static final int MAX_CHARS = 800;
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?:\\s|$)");

  static final String METHOD_TEMPLATE = "template";
  public static final String METHOD_LLM = "llm";

  private static final String INSTRUCTIONS = """
      You write the executive summary of a report on a team's LLM API spend. Use only the facts given. \
      Write 2 or 3 plain sentences, no markdown, no lists. Do not state any number that is not in the \
      facts; copy numbers exactly as they appear there.""";

  /** The summary to show; {@code method} is {@code llm} or {@code template}, {@code fallbackReason} why not the model's. */
  public record Narrative(String text, String method, String fallbackReason) {}

  private final LlmClient llm;

  public NarrativeWriter(LlmClient llm) {
    this.llm = llm;
  }

  /**
   * Never fails. {@code templateSummary} is both the facts in words and the fallback;
   * {@code figures} are the report's numbers by name.
   */
  public Future<Narrative> write(String runId, String templateSummary, Map<String, ? extends Number> figures) {
    if (!llm.enabled()) {
      return Future.succeededFuture(new Narrative(templateSummary, METHOD_TEMPLATE, null));
    }
    Set<BigDecimal> facts = FactNumbers.in(templateSummary);
    facts.addAll(FactNumbers.of(figures.values()));
    JsonObject numbers = new JsonObject();
    figures.forEach(numbers::put);
    JsonObject input = new JsonObject().put("summary", templateSummary).put("figures", numbers);
    return llm.complete(INSTRUCTIONS, input.encodePrettily(), false)
        .map(answer -> checked(answer.strip(), facts))
        .map(text -> new Narrative(text, METHOD_LLM, null))
        .recover(failure -> {
          LOG.warn("run {}: narrative not used, keeping the template summary: {}", runId, failure.getMessage());
          return Future.succeededFuture(new Narrative(templateSummary, METHOD_TEMPLATE, failure.getMessage()));
        });
  }

  private static String checked(String answer, Set<BigDecimal> facts) {
    if (answer.isEmpty() || answer.length() > MAX_CHARS) {
      throw new LlmFailure("llm summary is empty or longer than " + MAX_CHARS + " characters");
    }
    long sentences = SENTENCE_END.matcher(answer).results().count();
    if (sentences > MAX_SENTENCES) {
      throw new LlmFailure("llm summary has " + sentences + " sentences, at most " + MAX_SENTENCES + " were asked");
    }
    Set<BigDecimal> absent = FactNumbers.absent(answer, facts);
    if (!absent.isEmpty()) {
      throw new LlmFailure("llm summary states numbers absent from the facts: " + absent);
    }
    return answer;
  }
}
