package apex.data.demo;

import apex.data.usage.CostFunction;
import apex.data.usage.UsageRecord;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, plausible usage for the demo account: the same seed gives the same rows.
 *
 * <p>It plants what the analyses should find: {@code ticket-classifier} runs a frontier model
 * ({@code gpt-5.4}) for 5–40 token labels (right-sizing); {@code doc-summarizer} resends a long system
 * prompt with almost no cache hits and no batch use (caching, batching); {@code search-rerank} repeats
 * prompts (duplicate-response caching); {@code email-drafts} sometimes hits {@code max_tokens}; a few
 * percent of calls fail or time out; and one weekday has a burst of {@code support-chat} retries
 * (an anomaly). Weekdays carry more traffic than weekends, and office hours (UTC) more than nights.
 */
public class DemoUsageGenerator {

  /** Relative traffic per UTC hour: quiet nights, a morning ramp, a working-day plateau. */
  private static final double[] HOUR_WEIGHTS = {
      0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.6, 1.6,
      1.4, 1.5, 1.6, 1.6, 1.4, 1.1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25};
  /** Weekday and weekend multipliers average to 1 over a week, so rowsPerDay stays the mean. */
  private static final double WEEKDAY = 1.2;
  private static final double WEEKEND = 0.5;
  /** The burst day carries this many extra rows per normal row, all retries of support-chat. */
  private static final double BURST_EXTRA = 1.2;

  private record ModelShare(String provider, String model, double share, int latencyBaseMs, double msPerOutputToken,
                            double reasoningShare) {}

  /**
   * One feature's traffic: its share of requests, its models, and log-normal token sizes (median and
   * spread). {@code cacheHit} is the share of input read from cache, {@code cacheWrite} the share
   * written to it (Anthropic-style explicit caching), {@code duplicateRate} the chance a prompt
   * repeats one of {@code duplicatePool} recent prompts.
   */
  private record Feature(String name, double share, List<ModelShare> models, double inputMedian, double inputSpread,
                         double outputMedian, double outputSpread, long outputMin, long outputMax, int maxTokens,
                         double cacheHit, double cacheWrite, double duplicateRate, int duplicatePool,
                         boolean endUsers) {}

  private static final ModelShare GPT_54 = new ModelShare("openai", "gpt-5.4", 1, 900, 12, 0.25);
  /** Labels need no thinking: the classifier runs gpt-5.4 with reasoning effort "none". */
  private static final ModelShare GPT_54_NO_REASONING = new ModelShare("openai", "gpt-5.4", 1, 700, 12, 0);
  private static final ModelShare GPT_54_MINI = new ModelShare("openai", "gpt-5.4-mini", 1, 400, 6, 0.15);
  private static final ModelShare SONNET = new ModelShare("anthropic", "claude-sonnet-4-6", 1, 1100, 14, 0);
  private static final ModelShare HAIKU = new ModelShare("anthropic", "claude-haiku-4-5", 1, 450, 5, 0);
  private static final ModelShare GEMINI_PRO = new ModelShare("google", "gemini-2.5-pro", 1, 1500, 10, 0.4);
  private static final ModelShare GEMINI_FLASH = new ModelShare("google", "gemini-2.5-flash", 1, 300, 3, 0);

  private static final List<Feature> FEATURES = List.of(
      new Feature("support-chat", 0.28, List.of(share(GPT_54, 0.6), share(SONNET, 0.4)),
          30_000, 0.5, 450, 0.5, 40, 1_024, 1_024, 0.55, 0.05, 0.04, 30, true),
      new Feature("ticket-classifier", 0.22, List.of(GPT_54_NO_REASONING),
          6_000, 0.3, 15, 0.5, 5, 40, 64, 0, 0, 0, 0, false),
      new Feature("doc-summarizer", 0.14, List.of(share(GEMINI_PRO, 0.7), share(SONNET, 0.3)),
          60_000, 0.6, 900, 0.4, 200, 4_000, 4_096, 0.05, 0, 0, 0, false),
      new Feature("code-review", 0.12, List.of(SONNET),
          90_000, 0.5, 1_800, 0.5, 100, 8_000, 8_192, 0.35, 0.10, 0, 0, false),
      new Feature("search-rerank", 0.14, List.of(GEMINI_FLASH),
          12_000, 0.4, 80, 0.3, 20, 300, 256, 0, 0, 0.12, 40, false),
      new Feature("email-drafts", 0.10, List.of(share(GPT_54_MINI, 0.7), share(HAIKU, 0.3)),
          4_000, 0.4, 400, 0.5, 60, 2_000, 512, 0.2, 0, 0, 0, true));

  private static ModelShare share(ModelShare m, double share) {
    return new ModelShare(m.provider(), m.model(), share, m.latencyBaseMs(), m.msPerOutputToken(), m.reasoningShare());
  }

  /**
   * Usage for the {@code days} UTC days ending with {@code lastDay} (inclusive), about
   * {@code rowsPerDay} rows a day on average, sorted by time, priced with {@code cost}.
   */
  public List<UsageRecord> generate(long seed, int days, int rowsPerDay, LocalDate lastDay, CostFunction cost) {
    if (days < 1 || rowsPerDay < 1) {
      throw new IllegalArgumentException("days and rowsPerDay must be positive, got " + days + " and " + rowsPerDay);
    }
    Random random = new Random(seed);
    LocalDate firstDay = lastDay.minusDays(days - 1L);
    LocalDate burstDay = pickBurstDay(random, firstDay, days);
    Feature retried = FEATURES.get(0);
    List<PromptPool> pools = FEATURES.stream().map(f -> new PromptPool(f.duplicatePool())).toList();
    List<UsageRecord> rows = new ArrayList<>();
    for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
      int count = dailyCount(random, day, rowsPerDay);
      for (int i = 0; i < count; i++) {
        int f = pickFeature(random);
        rows.add(request(random, FEATURES.get(f), pools.get(f), timeOfDay(random, day), cost, 0.02));
      }
      if (day.equals(burstDay)) {
        // A client retry loop: three afternoon hours of support-chat with a high failure rate.
        int extra = (int) Math.round(count * BURST_EXTRA);
        for (int i = 0; i < extra; i++) {
          Instant ts = day.atTime(14, 0).toInstant(ZoneOffset.UTC).plusSeconds(random.nextInt(3 * 3600));
          rows.add(request(random, retried, pools.get(0), ts, cost, 0.25));
        }
      }
    }
    rows.sort(Comparator.comparing(UsageRecord::ts));
    return rows;
  }

  /** A weekday in the second half of the range, so there is a baseline before it. */
  private static LocalDate pickBurstDay(Random random, LocalDate firstDay, int days) {
    LocalDate day = firstDay.plusDays(days / 2 + random.nextInt(Math.max(1, days - days / 2)));
    while (isWeekend(day) && day.isAfter(firstDay)) {
      day = day.minusDays(1);
    }
    return day;
  }

  private static int dailyCount(Random random, LocalDate day, int rowsPerDay) {
    double weekly = isWeekend(day) ? WEEKEND : WEEKDAY;
    double noise = 0.85 + 0.3 * random.nextDouble();
    return Math.max(1, (int) Math.round(rowsPerDay * weekly * noise));
  }

  private static boolean isWeekend(LocalDate day) {
    return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  private static int pickFeature(Random random) {
    double x = random.nextDouble() * FEATURES.stream().mapToDouble(Feature::share).sum();
    for (int i = 0; i < FEATURES.size() - 1; i++) {
      x -= FEATURES.get(i).share();
      if (x < 0) {
        return i;
      }
    }
    return FEATURES.size() - 1;
  }

  private static ModelShare pickModel(Random random, Feature feature) {
    double x = random.nextDouble() * feature.models().stream().mapToDouble(ModelShare::share).sum();
    for (ModelShare m : feature.models()) {
      x -= m.share();
      if (x < 0) {
        return m;
      }
    }
    return feature.models().get(feature.models().size() - 1);
  }

  private static Instant timeOfDay(Random random, LocalDate day) {
    double total = 0;
    for (double w : HOUR_WEIGHTS) {
      total += w;
    }
    double x = random.nextDouble() * total;
    int hour = 0;
    while (hour < 23 && (x -= HOUR_WEIGHTS[hour]) >= 0) {
      hour++;
    }
    long millis = hour * 3_600_000L + random.nextInt(3_600_000);
    return day.atStartOfDay().toInstant(ZoneOffset.UTC).plusMillis(millis);
  }

  /** One request of {@code feature} at {@code ts}; {@code failureRate} is the chance it does not end ok. */
  private static UsageRecord request(Random random, Feature feature, PromptPool prompts, Instant ts,
                                     CostFunction cost, double failureRate) {
    ModelShare model = pickModel(random, feature);
    long input = logNormal(random, feature.inputMedian(), feature.inputSpread(), 50, 900_000);
    long cacheRead = feature.cacheHit() == 0 ? 0 : Math.min(input, Math.round(input * feature.cacheHit()
        * (0.6 + 0.6 * random.nextDouble())));
    long cacheWrite = Math.min(input - cacheRead, Math.round(input * feature.cacheWrite() * random.nextDouble()));
    long visible = logNormal(random, feature.outputMedian(), feature.outputSpread(), feature.outputMin(),
        feature.outputMax());
    long reasoning = Math.round(visible * model.reasoningShare() * 4 * random.nextDouble());
    String status = failureRate > 0 && random.nextDouble() < failureRate ? failure(random) : UsageRecord.OK;

    long output = Math.min(visible + reasoning, feature.maxTokens());
    reasoning = Math.min(reasoning, output);
    String finish = output == feature.maxTokens() ? "length" : "stop";
    int latency = (int) Math.round(model.latencyBaseMs() * (0.7 + 0.6 * random.nextDouble())
        + output * model.msPerOutputToken() * (0.8 + 0.4 * random.nextDouble()));
    Double costUsd;
    switch (status) {
      case "rate_limited" -> { // rejected before any work: not billed, nothing generated
        output = 0;
        reasoning = 0;
        finish = null;
        latency = 20 + random.nextInt(80);
        costUsd = 0.0;
      }
      case "error" -> { // failed mid-way: input billed, no output
        output = 0;
        reasoning = 0;
        finish = null;
        latency = latency / 3;
        costUsd = cost.costUsd(model.provider(), model.model(), input, cacheRead, cacheWrite, 0);
      }
      case "timeout" -> { // the client gave up; the provider still finished and billed it
        finish = null;
        latency = 60_000 + random.nextInt(30_000);
        costUsd = cost.costUsd(model.provider(), model.model(), input, cacheRead, cacheWrite, output);
      }
      default -> costUsd = cost.costUsd(model.provider(), model.model(), input, cacheRead, cacheWrite, output);
    }
    String endUser = feature.endUsers() ? "cust_" + (1 + random.nextInt(400)) : null;
    return new UsageRecord(ts, model.provider(), model.model(), feature.name(), "req_" + hex(random), input,
        cacheRead, cacheWrite, output, reasoning, latency, status, finish, feature.maxTokens(),
        prompts.next(random, feature.duplicateRate()), false, costUsd, endUser);
  }

  private static String failure(Random random) {
    double x = random.nextDouble();
    return x < 0.6 ? "error" : x < 0.85 ? "timeout" : "rate_limited";
  }

  private static long logNormal(Random random, double median, double spread, long min, long max) {
    long value = Math.round(median * Math.exp(spread * random.nextGaussian()));
    return Math.max(min, Math.min(max, value));
  }

  private static String hex(Random random) {
    return String.format("%016x", random.nextLong());
  }

  /** Recent prompt hashes of one feature, so that some requests repeat an earlier prompt exactly. */
  private static final class PromptPool {
    private final String[] recent;
    private int filled;

    PromptPool(int size) {
      this.recent = new String[size];
    }

    String next(Random random, double duplicateRate) {
      if (filled > 0 && random.nextDouble() < duplicateRate) {
        return recent[random.nextInt(filled)];
      }
      String fresh = hex(random);
      if (recent.length > 0) {
        recent[filled < recent.length ? filled++ : random.nextInt(recent.length)] = fresh;
      }
      return fresh;
    }
  }
}
