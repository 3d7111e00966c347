package apex.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dollar amounts and percentages in a question. An amount needs a dollar sign or "dollars"/"usd"
 * beside it, so "2M tokens" is not money; "k", "m" and "bn" scale it ("$1.2M" → 1 200 000).
 * Percentages are numbers with "%" or "percent", plus "half", "a third" and "a quarter" after a cut
 * verb ("by half" → 50).
 */
final class Quantities {
  private static final String NUMBER = "(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)";
  private static final String SCALE = "(k|m|mm|bn|b|thousand|million|billion|grand)?";
  private static final Pattern AMOUNT = Pattern.compile(
      "(?:\\$|\\busd\\s?)" + NUMBER + "\\s?" + SCALE + "(?![a-z])"
          + "|(?<![\\w.$])" + NUMBER + "\\s?" + SCALE + "\\s?(?:usd|dollars?|bucks)\\b");
  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s?(?:%|percent\\b|pct\\b)");
  private static final Pattern FRACTION = Pattern.compile(
      "\\b(?:by|in|cut|save|saving|reduce|drop|lower)\\s+(?:it\\s+|that\\s+|costs?\\s+|spend\\s+)?(?:by\\s+)?"
          + "(half|a third|two thirds|a quarter)\\b|\\bhalve[sd]?\\b");
  private static final Map<String, Double> FRACTIONS = Map.of("half", 50.0, "a third", 33.33,
      "two thirds", 66.67, "a quarter", 25.0);

  private Quantities() {}

  /** USD amounts in {@code text} (lower case), in order. */
  static List<Double> amountsUsd(String text) {
    List<Double> amounts = new ArrayList<>();
    Matcher m = AMOUNT.matcher(text);
    while (m.find()) {
      boolean signFirst = m.group(1) != null;
      double value = Double.parseDouble((signFirst ? m.group(1) : m.group(3)).replace(",", ""));
      amounts.add(value * scale(signFirst ? m.group(2) : m.group(4)));
    }
    return amounts;
  }

  /** Percentages in {@code text} (lower case), in order. */
  static List<Double> percentages(String text) {
    List<Double> percentages = new ArrayList<>();
    Matcher m = PERCENT.matcher(text);
    while (m.find()) {
      percentages.add(Double.parseDouble(m.group(1)));
    }
    Matcher f = FRACTION.matcher(text);
    while (f.find()) {
      percentages.add(f.group(1) == null ? 50.0 : FRACTIONS.get(f.group(1)));
    }
    return percentages;
  }

  private static double scale(String suffix) {
    if (suffix == null) {
      return 1;
    }
    return switch (suffix) {
      case "k", "thousand", "grand" -> 1e3;
      case "m", "mm", "million" -> 1e6;
      default -> 1e9;
    };
  }
}
