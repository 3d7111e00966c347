package apex.triage;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calendar words as people type them ("Nov 3", "1 October", "the 15th", "2026-10-01", "march",
 * "tuesday"), resolved against today: a date written without a year is the latest one not after
 * today, so "since March" asked in January means March of last year (and "since Feb 29" the last
 * leap day).
 */
final class DateWords {
  static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
      + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\\.?";
  static final String WEEKDAY = "\\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day";
  private static final String ORDINAL = "(\\d{1,2})(?:st|nd|rd|th)?(?![\\da-z])";
  /** One date: ISO, month-day, day-month or "the 15th" (a day of the current month). */
  static final String DATE = "(?:\\d{4}-\\d{2}-\\d{2}|" + MONTH + "\\s+\\d{1,2}(?:st|nd|rd|th)?(?![\\da-z])(?:,?\\s+\\d{4})?"
      + "|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" + MONTH + "(?:,?\\s+\\d{4})?|the\\s+\\d{1,2}(?:st|nd|rd|th))";

  private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
  private static final Pattern MONTH_DAY = Pattern.compile("(" + MONTH + ")\\s+" + ORDINAL + "(?:,?\\s+(\\d{4}))?");
  private static final Pattern DAY_MONTH = Pattern.compile(ORDINAL + "\\s+(?:of\\s+)?(" + MONTH + ")(?:,?\\s+(\\d{4}))?");
  private static final Pattern DAY_ONLY = Pattern.compile("the\\s+" + ORDINAL);

  private static final Map<String, Month> MONTHS = Map.ofEntries(
      Map.entry("jan", Month.JANUARY), Map.entry("feb", Month.FEBRUARY), Map.entry("mar", Month.MARCH),
      Map.entry("apr", Month.APRIL), Map.entry("may", Month.MAY), Map.entry("jun", Month.JUNE),
      Map.entry("jul", Month.JULY), Map.entry("aug", Month.AUGUST), Map.entry("sep", Month.SEPTEMBER),
      Map.entry("oct", Month.OCTOBER), Map.entry("nov", Month.NOVEMBER), Map.entry("dec", Month.DECEMBER));

  private DateWords() {}

  static Month month(String word) {
    return MONTHS.get(word.substring(0, 3));
  }

  static DayOfWeek weekday(String word) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().regionMatches(true, 0, word, 0, 3)) {
        return day;
      }
    }
    throw new IllegalArgumentException("not a weekday: " + word);
  }

  /** The latest first day of {@code month} that is not after today. */
  static LocalDate latestStartOf(Month month, LocalDate today) {
    LocalDate first = LocalDate.of(today.getYear(), month, 1);
    return first.isAfter(today) ? first.minusYears(1) : first;
  }

  /** The latest {@code day} on or before today ({@code strictly}: before today). */
  static LocalDate latest(DayOfWeek day, LocalDate today, boolean strictly) {
    LocalDate from = strictly ? today.minusDays(1) : today;
    return from.with(TemporalAdjusters.previousOrSame(day));
  }

  /** A {@link #DATE} phrase as a date, or null when it names no real day (Feb 30). */
  static LocalDate date(String phrase, LocalDate today) {
    try {
      Matcher m;
      if ((m = ISO.matcher(phrase)).matches()) {
        return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      }
      if ((m = MONTH_DAY.matcher(phrase)).matches()) {
        return dayOf(month(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), today);
      }
      if ((m = DAY_MONTH.matcher(phrase)).matches()) {
        return dayOf(month(m.group(2)), Integer.parseInt(m.group(1)), m.group(3), today);
      }
      if ((m = DAY_ONLY.matcher(phrase)).matches()) {
        LocalDate thisMonth = today.withDayOfMonth(Math.min(Integer.parseInt(m.group(1)), today.lengthOfMonth()));
        return thisMonth.isAfter(today) ? thisMonth.minusMonths(1) : thisMonth;
      }
      return null;
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static LocalDate dayOf(Month month, int day, String year, LocalDate today) {
    if (year != null) {
      return LocalDate.of(Integer.parseInt(year), month, day);
    }
    for (int y = today.getYear(); y > today.getYear() - 8; y--) {
      if (MonthDay.of(month, day).isValidYear(y) && !LocalDate.of(y, month, day).isAfter(today)) {
        return LocalDate.of(y, month, day);
      }
    }
    return null;
  }
}
