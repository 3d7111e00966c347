package apex.data.demo;

import java.util.Random;

/**
 * A log-normal token count: real prompt and answer sizes are skewed, with a long right tail.
 * {@code spread} is the σ of the logarithm; draws are clipped to [{@code min}, {@code max}] so that a
 * feature without a planted runaway never produces one by chance.
 */
record TokenShape(double median, double spread, long min, long max) {

  long draw(Random random) {
    long value = Math.round(median * Math.exp(spread * random.nextGaussian()));
    return Math.max(min, Math.min(max, value));
  }
}
