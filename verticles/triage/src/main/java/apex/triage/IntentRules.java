package apex.triage;

import apex.contracts.stage.Entities;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic classification of a question: the intent by keyword families (first family with a
 * hit wins, most specific first), the time window, and the models and providers it names.
 */
final class IntentRules {
  static final int DEFAULT_WINDOW_DAYS = 30;
  static final int MAX_WINDOW_DAYS = 366;

  private static final Map<String, List<String>> INTENTS = new LinkedHashMap<>();

  static {
    INTENTS.put("data_upload_help", List.of("upload", "import", "csv", "ndjson", "export my", "connect my"));
    INTENTS.put("anomaly", List.of("spike", "anomal", "jump", "sudden", "unusual", "why did"));
    INTENTS.put("budget_forecast", List.of("forecast", "budget", "month-end", "end of the month", "projection", "predict"));
    INTENTS.put("caching", List.of("cache", "caching", "cached"));
    INTENTS.put("batching", List.of("batch"));
    INTENTS.put("latency", List.of("latency", "slow", "performance", "p99", "response time"));
    INTENTS.put("model_selection", List.of("which model", "switch", "cheaper model", "right-siz", "downgrade", "model choice"));
    INTENTS.put("cost_analysis", List.of("cost", "spend", "spent", "money", "bill", "expens", "save", "saving", "analy"));
  }

  private static final List<String> PROVIDERS = List.of("openai", "anthropic", "google", "mistral", "deepseek",
      "cohere", "groq", "aws", "azure", "x-ai");
  private static final Pattern MODEL = Pattern.compile(
      "\\b(gpt-[\\w.-]+|o[134](?:-mini)?|claude-[\\w.-]+|gemini-[\\w.-]+|mistral-[\\w.-]+|llama[\\w.-]*|deepseek-[\\w.-]+)\\b");
  private static final Pattern LAST_N = Pattern.compile("\\b(?:last|past|previous)\\s+(\\d{1,3})\\s+(day|week|month)s?\\b");

  private IntentRules() {}

  record Classification(String intent, Entities entities, int windowDays, double confidence) {}

  static Classification classify(String question) {
    String text = question.toLowerCase(Locale.ROOT);
    String intent = "general";
    int hits = 0;
    for (Map.Entry<String, List<String>> family : INTENTS.entrySet()) {
      long found = family.getValue().stream().filter(text::contains).count();
      if (found > 0) {
        intent = family.getKey();
        hits = (int) found;
        break;
      }
    }
    Integer named = windowDays(text);
    int days = named == null ? DEFAULT_WINDOW_DAYS : named;
    List<String> models = new ArrayList<>();
    Matcher m = MODEL.matcher(text);
    while (m.find()) {
      if (!models.contains(m.group(1))) {
        models.add(m.group(1));
      }
    }
    List<String> providers = PROVIDERS.stream().filter(text::contains).toList();
    double confidence = intent.equals("general") ? 0.3 : Math.min(0.95, 0.6 + 0.1 * hits);
    return new Classification(intent, new Entities(models, providers, List.of(), named, null, List.of(), List.of()), days, confidence);
  }

  /** "last 14 days", "past 2 weeks", "last month", "this week"; null when the question names none. */
  static Integer windowDays(String text) {
    Matcher m = LAST_N.matcher(text);
    if (m.find()) {
      int n = Integer.parseInt(m.group(1));
      int unit = switch (m.group(2)) {
        case "week" -> 7;
        case "month" -> 30;
        default -> 1;
      };
      return Math.max(1, Math.min(MAX_WINDOW_DAYS, n * unit));
    }
    if (text.contains("last week") || text.contains("this week") || text.contains("past week")) {
      return 7;
    }
    if (text.contains("yesterday") || text.contains("today")) {
      return 2;
    }
    if (text.contains("this month")) {
      return LocalDate.now().getDayOfMonth();
    }
    if (text.contains("last month") || text.contains("past month")) {
      return 30;
    }
    if (text.contains("quarter")) {
      return 90;
    }
    return null;
  }
}
