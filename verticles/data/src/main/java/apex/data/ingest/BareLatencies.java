package apex.data.ingest;

import java.util.Arrays;

/**
 * Values of a plain {@code latency} column, which some exports write in seconds (Langfuse: 1.234)
 * and others in milliseconds (Helicone: 1234). The unit is decided for the whole file: seconds when
 * at least one value has a fraction and every value is below {@value #SECONDS_BELOW} — ten minutes in
 * seconds, but an implausibly fast 0.6 s when read as milliseconds with fractions.
 */
final class BareLatencies {

  static final double SECONDS_BELOW = 600;

  private int[] recordIndex = new int[64];
  private double[] values = new double[64];
  private int size;
  private boolean anyFraction;
  private boolean allBelowLimit = true;

  void add(int index, double value) {
    if (size == values.length) {
      recordIndex = Arrays.copyOf(recordIndex, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    recordIndex[size] = index;
    values[size++] = value;
    anyFraction |= value != Math.rint(value);
    allBelowLimit &= value < SECONDS_BELOW;
  }

  boolean areSeconds() {
    return size > 0 && anyFraction && allBelowLimit;
  }

  int size() {
    return size;
  }

  int recordIndex(int i) {
    return recordIndex[i];
  }

  double value(int i) {
    return values[i];
  }
}
