package apex.runtime.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Money in US dollars as the optimizer and the report show it: rounded to cents, "$1,234.56". */
public final class Usd {
  private Usd() {}

  /** DecimalFormat is costly to make and not thread-safe: one per thread. */
  private static final ThreadLocal<DecimalFormat> FORMAT =
      ThreadLocal.withInitial(() -> new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US)));

  /** Half-up to cents; BigDecimal so that 0.125 rounds to 0.13, not to a binary neighbour. */
  public static double cents(double usd) {
    return BigDecimal.valueOf(usd).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  public static String format(double usd) {
    String amount = FORMAT.get().format(Math.abs(cents(usd)));
    return (usd < 0 ? "-$" : "$") + amount;
  }

  /** A catalog rate unrounded, e.g. "$0.025 per million tokens". */
  public static String perMillionTokens(double usdPerMillion) {
    return "$" + BigDecimal.valueOf(usdPerMillion).stripTrailingZeros().toPlainString() + " per million tokens";
  }
}
