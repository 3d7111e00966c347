package apex.data.demo;

import apex.data.usage.CatalogCost;
import apex.data.usage.UsageRecord;
import apex.runtime.pricing.PricingCatalog;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, plausible usage for the demo account and {@code apex demo-data}: the same seed, rows,
 * days and last day give the same rows (with the same catalog prices).
 *
 * <p>Each feature of {@link DemoFeatures} carries at most one planted inefficiency
 * (docs/ANALYSIS.md); the {@link Manifest} holds their true savings, added up row by row as the rows
 * are made. Weekdays carry more traffic than weekends, office hours (UTC) more than nights, and the
 * daily volume varies by about ±7 %, so that the one spike day stands out against days of its kind.
 */
public class DemoUsageGenerator {
  public static final int VERSION = 2;
  /** Weekday and weekend multipliers average to 1 over a week, so rows / days stays the daily mean. */
  private static final double WEEKDAY = 1.2;
  private static final double WEEKEND = 0.5;
  private static final double DAILY_NOISE = 0.07;
  /** During a storm support-chat traffic is this many times as dense as usual at that hour. */
  private static final double STORM_DENSITY = 10;
  private static final int MAX_ROWS = 5_000_000;
  private static final double TOTAL_SHARE = DemoFeatures.ALL.stream().mapToDouble(DemoFeature::share).sum();

  /** A request to make: when, of which feature, and whether it belongs to the spike. */
  private record Slot(Instant ts, DemoFeature feature, boolean spike) {}

  /**
   * About {@code rows} ordinary rows over the {@code days} UTC days ending with {@code lastDay}
   * (inclusive), plus storms, retries and the spike, priced with {@code catalog}.
   *
   * @throws IllegalArgumentException when days or rows are out of range, naming which
   */
  public DemoUsage generate(long seed, int days, int rows, LocalDate lastDay, PricingCatalog catalog) {
    if (days < 1 || days > 3_660) {
      throw new IllegalArgumentException("days must be between 1 and 3660, got " + days);
    }
    if (rows < days || rows > MAX_ROWS) {
      throw new IllegalArgumentException("rows must be between days (" + days + ", one a day) and " + MAX_ROWS
          + ", got " + rows);
    }
    Random random = new Random(seed);
    LocalDate firstDay = lastDay.minusDays(days - 1L);
    DemoSchedule schedule = DemoSchedule.plan(random, firstDay, lastDay);
    List<Slot> slots = slots(random, firstDay, lastDay, (double) rows / days, schedule);

    DemoCalls calls = new DemoCalls(random, CatalogCost.of(catalog), schedule);
    SavingsLedger ledger = new SavingsLedger(catalog);
    List<UsageRecord> records = new ArrayList<>();
    double totalCost = 0;
    for (Slot slot : slots) {
      for (GeneratedCall call : calls.request(slot.feature(), slot.ts(), slot.spike())) {
        ledger.add(slot.feature(), call);
        records.add(call.record());
        totalCost += call.cost();
      }
    }
    records.sort(Comparator.comparing(UsageRecord::ts));
    Manifest manifest = new Manifest(VERSION, seed, rows, records.size(), days, firstDay, lastDay, totalCost,
        totalCost * 30 / days, ledger.planted(days, schedule));
    return new DemoUsage(List.copyOf(records), manifest);
  }

  /** Every request's time and feature, in time order, so that "earlier" means earlier in time. */
  private static List<Slot> slots(Random random, LocalDate firstDay, LocalDate lastDay, double perDay,
                                  DemoSchedule schedule) {
    DemoFeature stormFeature = DemoFeatures.named(DemoFeatures.SUPPORT_CHAT);
    DemoFeature spikeFeature = DemoFeatures.named(DemoFeatures.DOC_SUMMARIZER);
    List<Slot> slots = new ArrayList<>();
    for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
      double kind = DemoSchedule.isWeekend(day) ? WEEKEND : WEEKDAY;
      int count = Math.max(1, (int) Math.round(perDay * kind * (1 + DAILY_NOISE * (2 * random.nextDouble() - 1))));
      for (int i = 0; i < count; i++) {
        DemoFeature feature = pickFeature(random);
        slots.add(new Slot(feature.arrival().draw(random, day), feature, false));
      }
      Instant storm = schedule.stormStarts().get(day);
      if (storm != null) {
        int hour = storm.atOffset(ZoneOffset.UTC).getHour();
        double usual = count * share(stormFeature) * stormFeature.arrival().share(hour)
            * DemoSchedule.STORM.toMinutes() / 60.0;
        long extra = Math.round(usual * (STORM_DENSITY - 1));
        for (long i = 0; i < extra; i++) {
          slots.add(new Slot(storm.plusMillis((long) (random.nextDouble() * DemoSchedule.STORM.toMillis())),
              stormFeature, false));
        }
      }
      if (day.equals(schedule.spikeDay())) {
        // a backfill: as many extra calls as a whole normal weekday has
        long extra = Math.round(perDay * WEEKDAY);
        for (long i = 0; i < extra; i++) {
          slots.add(new Slot(spikeFeature.arrival().draw(random, day), spikeFeature, true));
        }
      }
    }
    slots.sort(Comparator.comparing(Slot::ts));
    return slots;
  }

  private static double share(DemoFeature feature) {
    return feature.share() / TOTAL_SHARE;
  }

  private static DemoFeature pickFeature(Random random) {
    double x = random.nextDouble();
    for (DemoFeature feature : DemoFeatures.ALL) {
      x -= share(feature);
      if (x < 0) {
        return feature;
      }
    }
    return DemoFeatures.ALL.get(DemoFeatures.ALL.size() - 1);
  }
}
