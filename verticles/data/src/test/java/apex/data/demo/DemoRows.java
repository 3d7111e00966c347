package apex.data.demo;

import apex.data.usage.UsageRecord;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** Reading generated rows the way the analyses of docs/ANALYSIS.md read the table. */
final class DemoRows {
  private DemoRows() {}

  static Map<String, List<UsageRecord>> byFeatureAndModel(List<UsageRecord> rows) {
    return rows.stream().collect(Collectors.groupingBy(r -> r.feature() + "/" + r.model(), TreeMap::new,
        Collectors.toList()));
  }

  static List<UsageRecord> of(List<UsageRecord> rows, String feature) {
    return rows.stream().filter(r -> r.feature().equals(feature)).toList();
  }

  static List<UsageRecord> ok(List<UsageRecord> rows) {
    return rows.stream().filter(r -> r.status().equals(UsageRecord.OK)).toList();
  }

  static double cost(List<UsageRecord> rows) {
    return rows.stream().mapToDouble(UsageRecord::costUsd).sum();
  }

  /** Nearest-rank percentile, {@code q} in [0, 1]. */
  static long percentile(List<UsageRecord> rows, ToLongFunction<UsageRecord> value, double q) {
    long[] sorted = rows.stream().mapToLong(value).sorted().toArray();
    return sorted[(int) Math.ceil(q * sorted.length) - (q == 0 ? 0 : 1)];
  }

  static LocalDate day(UsageRecord r) {
    return r.ts().atOffset(ZoneOffset.UTC).toLocalDate();
  }

  static int hour(UsageRecord r) {
    return r.ts().atOffset(ZoneOffset.UTC).getHour();
  }

  /** Successful calls whose prompt hash an earlier successful call already had. */
  static List<UsageRecord> repeats(List<UsageRecord> rows) {
    Set<String> seen = new HashSet<>();
    return ok(rows).stream().filter(r -> r.promptHash() != null && !seen.add(r.promptHash())).toList();
  }

  /** The largest share of calls in one 4-hour UTC block, blocks starting at any hour. */
  static double busiestFourHours(List<UsageRecord> rows) {
    int[] perHour = new int[24];
    rows.forEach(r -> perHour[hour(r)]++);
    int best = 0;
    for (int start = 0; start < 24; start++) {
      int sum = 0;
      for (int h = start; h < start + 4; h++) {
        sum += perHour[h % 24];
      }
      best = Math.max(best, sum);
    }
    return (double) best / rows.size();
  }

  /** Daily cost per UTC day, for days of one kind (weekday or weekend). */
  static Map<LocalDate, Double> dailyCost(List<UsageRecord> rows, boolean weekend) {
    return rows.stream().filter(r -> DemoSchedule.isWeekend(day(r)) == weekend)
        .collect(Collectors.groupingBy(DemoRows::day, TreeMap::new, Collectors.summingDouble(UsageRecord::costUsd)));
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
