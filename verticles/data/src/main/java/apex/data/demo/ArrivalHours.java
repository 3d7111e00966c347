package apex.data.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/** When in a UTC day a feature's requests arrive. */
enum ArrivalHours {
  /** People at work: quiet nights, a morning ramp, a working-day plateau; no 4-hour block holds 80 %. */
  OFFICE(new double[] {
      0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.6, 1.6,
      1.4, 1.5, 1.6, 1.6, 1.4, 1.1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25}),
  /** A scheduled job between 01:00 and 04:00 UTC. */
  NIGHTLY(new double[] {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

  private final double[] weights;
  private final double total;

  ArrivalHours(double[] weights) {
    this.weights = weights;
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    this.total = sum;
  }

  /** The share of a day's requests that arrive in {@code hour}. */
  double share(int hour) {
    return weights[hour] / total;
  }

  Instant draw(Random random, LocalDate day) {
    double x = random.nextDouble() * total;
    int hour = 0;
    while (hour < 23 && (x -= weights[hour]) >= 0) {
      hour++;
    }
    if (weights[hour] == 0) { // x landed on the float edge past the last non-empty hour
      hour = lastNonEmptyHour();
    }
    long millis = hour * 3_600_000L + random.nextInt(3_600_000);
    return day.atStartOfDay().toInstant(ZoneOffset.UTC).plusMillis(millis);
  }

  private int lastNonEmptyHour() {
    int hour = 23;
    while (weights[hour] == 0) {
      hour--;
    }
    return hour;
  }
}
