package apex.data.demo;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * When the dated plants happen: support-chat's retry storms (30 minutes in office hours, on every
 * third day) and doc-summarizer's spike (one weekday of the last 30 days, not a storm day, so the
 * spike's excess over a normal day is the spike alone).
 */
record DemoSchedule(Map<LocalDate, Instant> stormStarts, LocalDate spikeDay) {
  static final Duration STORM = Duration.ofMinutes(30);
  private static final int STORM_EVERY_DAYS = 3;
  private static final int SPIKE_WITHIN_DAYS = 30;
  /** Storms start between 09:00 and 16:30 UTC, so they end within office hours. */
  private static final int STORM_FIRST_HOUR = 9;
  private static final int STORM_START_MINUTES = 450;

  static DemoSchedule plan(Random random, LocalDate firstDay, LocalDate lastDay) {
    Map<LocalDate, Instant> storms = new TreeMap<>();
    int offset = random.nextInt(STORM_EVERY_DAYS);
    int index = 0;
    for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1), index++) {
      if ((index + offset) % STORM_EVERY_DAYS == 0) {
        storms.put(day, day.atTime(STORM_FIRST_HOUR, 0).toInstant(ZoneOffset.UTC)
            .plusSeconds(random.nextInt(STORM_START_MINUTES * 60)));
      }
    }
    return new DemoSchedule(storms, spikeDay(random, firstDay, lastDay, storms));
  }

  private static LocalDate spikeDay(Random random, LocalDate firstDay, LocalDate lastDay,
                                    Map<LocalDate, Instant> storms) {
    LocalDate from = lastDay.minusDays(SPIKE_WITHIN_DAYS - 1L).isBefore(firstDay)
        ? firstDay : lastDay.minusDays(SPIKE_WITHIN_DAYS - 1L);
    List<LocalDate> calm = new ArrayList<>();
    List<LocalDate> weekdays = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(lastDay); day = day.plusDays(1)) {
      if (!isWeekend(day)) {
        weekdays.add(day);
        if (!storms.containsKey(day)) {
          calm.add(day);
        }
      }
    }
    List<LocalDate> candidates = !calm.isEmpty() ? calm : !weekdays.isEmpty() ? weekdays : List.of(lastDay);
    return candidates.get(random.nextInt(candidates.size()));
  }

  static boolean isWeekend(LocalDate day) {
    return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  boolean inStorm(Instant ts) {
    Instant start = stormStarts.get(ts.atOffset(ZoneOffset.UTC).toLocalDate());
    return start != null && !ts.isBefore(start) && ts.isBefore(start.plus(STORM));
  }
}
