package apex.data.ingest;

/**
 * Reads token counts and similar whole non-negative numbers without exceptions on the common path:
 * plain digits are parsed by hand; {@code 12.0} and {@code 1.2E3} (JSON doubles) are accepted when whole.
 */
final class WholeNumbers {

  static final long INVALID = -1;

  private WholeNumbers() {}

  /** The number, or {@link #INVALID} when {@code text} is not a whole non-negative number. */
  static long parse(String text) {
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || i >= 18) {
        return slowPath(text);
      }
      value = value * 10 + (c - '0');
    }
    return text.isEmpty() ? INVALID : value;
  }

  private static long slowPath(String text) {
    for (int i = 0; i < text.length(); i++) {
      // Double.parseDouble also takes "NaN", "Infinity" and "12d", which are not counts.
      if ("0123456789.eE+-".indexOf(text.charAt(i)) < 0) {
        return INVALID;
      }
    }
    try {
      double d = Double.parseDouble(text);
      return d >= 0 && d <= Long.MAX_VALUE && d == Math.rint(d) ? (long) d : INVALID;
    } catch (NumberFormatException e) {
      return INVALID;
    }
  }
}
