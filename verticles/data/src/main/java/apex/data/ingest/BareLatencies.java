package apex.data.ingest;

import java.util.Arrays;

/**
 * Values of a plain {@code latency} column, which some exports write in seconds (Langfuse: 1.234)
 * and others in milliseconds (Helicone: 1234). The unit is decided for the whole file: seconds when
 * at least one value has a fraction and every value is below {@value #SECONDS_BELOW} — ten minutes in
 * seconds, but an implausibly fast 0.6 s when read as milliseconds with fractions. The first value at
 * or above it settles milliseconds at once; seconds can only be settled at the end of the file.
 */
final class BareLatencies {

  static final double SECONDS_BELOW = 600;

  private double[] values = new double[64];
  private int size;
  private boolean anyFraction;
  private boolean allBelowLimit = true;

  void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
    anyFraction |= value != Math.rint(value);
    allBelowLimit &= value < SECONDS_BELOW;
  }

  /** Settled before the end of the file: no later value can make these seconds. */
  boolean areMilliseconds() {
    return !allBelowLimit;
  }

  boolean areSeconds() {
    return size > 0 && anyFraction && allBelowLimit;
  }

  /** The i-th value added. */
  double value(int i) {
    return values[i];
  }
}
