package apex.triage;

import apex.contracts.stage.Entities;
import apex.contracts.stage.Window;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Reads a question with rules only: the intent, what it names (models, providers, features,
 * amounts, percentages) and the window it asks about, the last 30 days when it names none.
 * {@code today} (UTC) is a parameter so the same question always gives the same window in tests.
 */
final class QuestionRules {
  private QuestionRules() {}

  record Classification(String intent, Entities entities, Window window, double confidence) {}

  static Classification classify(String question, LocalDate today) {
    if (question == null || question.isBlank()) {
      throw new IllegalArgumentException("triage needs a non-empty question");
    }
    String text = question.toLowerCase(Locale.ROOT);
    List<String> models = ModelNames.models(text);
    List<String> features = FeatureTags.features(text, models);
    IntentRules.Intent intent = IntentRules.classify(mask(text, features), FeatureTags.namesColumn(text));
    WindowPhrases.Named named = WindowPhrases.find(question, today);
    Window window = named == null ? WindowPhrases.defaultWindow(today) : named.window();
    Entities entities = new Entities(models, ModelNames.providers(text), features,
        named == null ? null : window.days(), named == null ? null : named.text(),
        Quantities.amountsUsd(text), Quantities.percentages(text));
    return new Classification(intent.name(), entities, window, intent.confidence());
  }

  /** Feature and column names say nothing about intent ("report-generator" is not a report question). */
  private static String mask(String text, List<String> features) {
    String masked = FeatureTags.maskColumns(text);
    for (String feature : features) {
      masked = masked.replace(feature, " ");
    }
    return masked;
  }
}
