package apex.data.usage;

import java.io.ByteArrayOutputStream;

/**
 * How often each value occurred, in buckets that keep a value's 8 highest bits: values below 256 have
 * a bucket each, larger ones share a bucket with those less than 1/128 (0.8 %) above them. Each bucket
 * holds its count and the sum of its values, so it reports its mean: exact when all its values are
 * equal (a constant {@code max_tokens}, a fixed prompt prefix), within 0.8 % otherwise.
 *
 * <p>Stored one per (user, upload, day, group, metric) at ingest and merged over a window at query
 * time, so percentiles over a million calls read a few thousand rows instead of sorting the calls.
 * {@link #encode()} writes the non-empty buckets as varints (bucket gap, count, sum).
 */
public final class Histogram {
  private static final int EXACT = 256;
  private static final int PER_OCTAVE = 128;

  private long[] counts = new long[0];
  private long[] sums = new long[0];
  /** Index of {@code counts[0]}. */
  private int first;
  private long total;

  /** Adds one value; negative values are not token counts or latencies and count as 0. */
  public void add(long value) {
    add(index(Math.max(0, value)), 1, Math.max(0, value));
  }

  /** Adds every bucket of {@code other}. */
  public void merge(Histogram other) {
    for (int i = 0; i < other.counts.length; i++) {
      if (other.counts[i] > 0) {
        add(other.first + i, other.counts[i], other.sums[i]);
      }
    }
  }

  /** Values added. */
  public long count() {
    return total;
  }

  /**
   * The value at fraction {@code q} as {@code percentile_disc} picks it: the bucket holding the
   * {@code ceil(q × count)}-th smallest value (at least the first), reported as that bucket's mean.
   * Null when empty.
   */
  public Long quantile(double q) {
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return mean(i);
      }
    }
    throw new IllegalStateException("rank " + rank + " beyond " + total + " values");
  }

  /**
   * Values above {@code threshold} and by how much they exceed it in total, counting a bucket whose
   * mean is above it as wholly above (buckets are under 1 % wide, so only the one bucket around the
   * threshold can be misjudged).
   */
  public long[] above(long threshold) {
    long n = 0;
    long excess = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && mean(i) > threshold) {
        n += counts[i];
        excess += sums[i] - threshold * counts[i];
      }
    }
    return new long[] {n, excess};
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(counts.length * 4);
    int previous = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        writeVarint(out, first + i - previous);
        writeVarint(out, counts[i]);
        writeVarint(out, sums[i]);
        previous = first + i;
      }
    }
    return out.toByteArray();
  }

  public static Histogram decode(byte[] bytes) {
    Histogram histogram = new Histogram();
    int[] at = {0};
    int index = 0;
    while (at[0] < bytes.length) {
      index += (int) readVarint(bytes, at);
      long count = readVarint(bytes, at);
      histogram.add(index, count, readVarint(bytes, at));
    }
    return histogram;
  }

  /** The bucket of a non-negative value: itself below 256, else its octave and its next 7 bits. */
  static int index(long value) {
    if (value < EXACT) {
      return (int) value;
    }
    int shift = 64 - Long.numberOfLeadingZeros(value) - 8;
    return EXACT + (shift - 1) * PER_OCTAVE + (int) (value >> shift) - PER_OCTAVE;
  }

  private long mean(int i) {
    return Math.round((double) sums[i] / counts[i]);
  }

  private void add(int index, long count, long sum) {
    if (counts.length == 0) {
      first = index;
      grow(index, index);
    } else if (index < first) {
      grow(Math.max(0, index - counts.length), first + counts.length - 1);
    } else if (index >= first + counts.length) {
      grow(first, index + counts.length);
    }
    counts[index - first] += count;
    sums[index - first] += sum;
    total += count;
  }

  private void grow(int low, int high) {
    int size = high - low + 1;
    long[] newCounts = new long[size];
    long[] newSums = new long[size];
    if (counts.length > 0) {
      System.arraycopy(counts, 0, newCounts, first - low, counts.length);
      System.arraycopy(sums, 0, newSums, first - low, sums.length);
    }
    counts = newCounts;
    sums = newSums;
    first = low;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(byte[] bytes, int[] at) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[at[0]++];
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }
}
