package apex.node.bench;

import java.util.List;

/** Median, p90 (nearest rank), min and max of a few timings in milliseconds. */
record RunStats(int count, double median, double p90, double min, double max) {

  static RunStats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = values.stream().sorted().toList();
    return new RunStats(sorted.size(), percentile(sorted, 0.5), percentile(sorted, 0.9), sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
  static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }
}
