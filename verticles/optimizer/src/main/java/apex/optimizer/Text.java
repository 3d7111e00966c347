package apex.optimizer;

import java.util.Locale;

/** Number formats the levers' evidence shares. */
final class Text {
  private Text() {}

  /** {@code 0.153} → "15.3%". */
  static String percent(double share) {
    return String.format(Locale.US, "%.1f%%", 100 * share);
  }

  /** {@code 12345} → "12,345". */
  static String count(long n) {
    return String.format(Locale.US, "%,d", n);
  }
}
