package apex.data.usage;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistogramTest {

  @Test
  void bucketsAreExactBelow256AndUnderOnePercentWideAbove() {
    for (long v = 0; v < 256; v++) {
      assertEquals(v, Histogram.index(v));
    }
    long previousStart = 255;
    int previousIndex = 255;
    for (long v = 256; v < 5_000_000; v++) {
      int index = Histogram.index(v);
      assertTrue(index == previousIndex || index == previousIndex + 1, "indexes are contiguous at " + v);
      if (index != previousIndex) {
        previousStart = v;
        previousIndex = index;
      }
      assertTrue(v - previousStart < Math.max(1, previousStart / 128.0), "bucket of " + v + " starts at " + previousStart);
    }
  }

  @Test
  void quantilesPickTheRankPercentileDiscPicksWithinTheBucketWidth() {
    SplittableRandom random = new SplittableRandom(11);
    long[] values = new long[20_001];
    Histogram histogram = new Histogram();
    for (int i = 0; i < values.length; i++) {
      values[i] = (long) Math.exp(random.nextDouble(3, 12));
      histogram.add(values[i]);
    }
    Arrays.sort(values);
    for (double q : new double[] {0.05, 0.5, 0.95}) {
      long exact = values[(int) Math.max(1, Math.ceil(q * values.length)) - 1];
      long found = histogram.quantile(q);
      assertTrue(Math.abs(found - exact) <= exact / 128.0 + 1, q + ": " + found + " vs " + exact);
    }
    assertEquals(values.length, histogram.count());
    assertNull(new Histogram().quantile(0.5));
  }

  @Test
  void bucketsOfOneValueReportItExactly() {
    Histogram histogram = new Histogram();
    for (int i = 0; i < 99; i++) {
      histogram.add(12_345);
    }
    histogram.add(100_000);
    assertEquals(12_345L, histogram.quantile(0.5));
    assertEquals(100_000L, histogram.quantile(1.0));
    assertArrayEquals(new long[] {1, 100_000 - 2 * 12_345}, histogram.above(2 * 12_345));
  }

  @Test
  void encodingAndMergingKeepEveryBucket() {
    Histogram a = new Histogram();
    Histogram b = new Histogram();
    for (long v : new long[] {0, 3, 255, 256, 70_000, 9_000_000_000L}) {
      a.add(v);
    }
    for (long v : new long[] {1, 70_001, 12}) {
      b.add(v);
    }
    Histogram decoded = Histogram.decode(a.encode());
    assertArrayEquals(a.encode(), decoded.encode());
    decoded.merge(Histogram.decode(b.encode()));
    assertEquals(9, decoded.count());
    assertEquals(9_000_000_000L, decoded.quantile(1.0));
    assertEquals(12L, decoded.quantile(0.4));
    assertEquals(0L, decoded.quantile(0.0));
  }
}
