package apex.runtime.llm;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers a text states, compared by value ({@code $1,234.50} and {@code 1234.5} are the same),
 * so that a written summary can be held to the figures it was given.
 */
final class FactNumbers {
  private FactNumbers() {}

  /** Digits with optional thousands commas and decimals; signs and units are not part of the number. */
  private static final Pattern NUMBER = Pattern.compile("\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?");

  static Set<BigDecimal> in(String text) {
    Set<BigDecimal> numbers = new LinkedHashSet<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      numbers.add(normal(new BigDecimal(m.group().replace(",", ""))));
    }
    return numbers;
  }

  static Set<BigDecimal> of(Collection<? extends Number> values) {
    Set<BigDecimal> numbers = new LinkedHashSet<>();
    values.stream().filter(v -> Double.isFinite(v.doubleValue()))
        .forEach(v -> numbers.add(normal(new BigDecimal(v.toString()).abs())));
    return numbers;
  }

  /** The numbers of {@code text} that are not among {@code facts}. */
  static Set<BigDecimal> absent(String text, Set<BigDecimal> facts) {
    Set<BigDecimal> extra = in(text);
    extra.removeAll(facts);
    return extra;
  }

  private static BigDecimal normal(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
