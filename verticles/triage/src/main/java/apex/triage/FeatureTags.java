package apex.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feature tags named in a question: kebab- or snake-case words ({@code ticket-classifier},
 * {@code summarize_email}) and the word before "feature" ("the chat feature"). Not tags: model
 * names, usage column names ({@code cached_input_tokens}) and ordinary hyphenated English
 * ("month-end", "right-size", "non-interactive").
 */
final class FeatureTags {
  private static final Pattern TAG = Pattern.compile("(?<![\\w.-])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+(?![\\w-])");
  private static final Pattern NAMED = Pattern.compile("(?<![\\w-])([a-z][a-z0-9]*)\\s+feature\\b");
  /** Last parts that make a snake-case word a usage column rather than a feature. */
  private static final Pattern COLUMN = Pattern.compile(".*_(?:tokens|ms|id|usd|at|name|hash|tag|tags|reason|code|"
      + "status|time|cost|provider|model|batch)$");
  /** First parts of hyphenated English words and prefixes. */
  private static final Set<String> ENGLISH = Set.of("non", "re", "pre", "self", "multi", "co", "anti", "sub", "e",
      "x", "month", "year", "week", "quarter", "day", "run", "right", "real", "time", "cost", "long", "short",
      "follow", "built", "open", "high", "low", "per", "top", "end", "well", "up", "off", "on", "in", "out",
      "over", "under", "next", "last", "first", "second", "third", "half", "full", "part", "semi", "mid", "so");
  /** Words that can come before "feature" without being its name. */
  private static final Set<String> NOT_NAMES = Set.of("the", "a", "an", "this", "that", "each", "every", "per",
      "by", "and", "or", "which", "what", "any", "new", "our", "my", "your", "same", "one", "other", "top", "most",
      "expensive", "cheap", "whole", "single", "some", "first", "biggest", "costliest");

  private FeatureTags() {}

  /** The feature tags in {@code text} (lower case), in order, each once; {@code models} are skipped. */
  static List<String> features(String text, List<String> models) {
    List<String> features = new ArrayList<>();
    Matcher tag = TAG.matcher(text);
    while (tag.find()) {
      String word = tag.group();
      String first = word.split("[-_]", 2)[0];
      boolean english = word.indexOf('_') < 0 && ENGLISH.contains(first);
      if (!english && !COLUMN.matcher(word).matches() && !models.contains(word) && !isModel(word)) {
        add(features, word);
      }
    }
    Matcher named = NAMED.matcher(text);
    while (named.find()) {
      if (!NOT_NAMES.contains(named.group(1))) {
        add(features, named.group(1));
      }
    }
    return features;
  }

  /** Whether {@code text} names usage columns: they speak of the upload format, not of a feature. */
  static boolean namesColumn(String text) {
    return !maskColumns(text).equals(text);
  }

  /** {@code text} with its usage column names blanked out. */
  static String maskColumns(String text) {
    return TAG.matcher(text).replaceAll(m -> COLUMN.matcher(m.group()).matches() ? " " : Matcher.quoteReplacement(m.group()));
  }

  private static boolean isModel(String word) {
    return !ModelNames.models(word).isEmpty() || !ModelNames.providers(word).isEmpty();
  }

  private static void add(List<String> features, String word) {
    if (!features.contains(word)) {
      features.add(word);
    }
  }
}
