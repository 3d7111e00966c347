package apex.data.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Reads the timestamp forms exports use. Numbers are epoch seconds below 1e11 (year 5138) and epoch
 * milliseconds above; date-times without an offset and plain dates are taken as UTC.
 */
final class Timestamps {

  private static final double SECONDS_LIMIT = 1e11;

  /** ISO local date-time with an optional offset as {@code Z}, {@code +02:00}, {@code +0200} or {@code +02}. */
  private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .toFormatter()
      .withResolverStyle(ResolverStyle.STRICT); // February 30 is an error, not March 2

  private Timestamps() {}

  /** The instant {@code text} names, or null when it is not a timestamp we read. {@code text} is trimmed and not empty. */
  static Instant parse(String text) {
    try {
      if (looksNumeric(text)) {
        return epoch(Double.parseDouble(text));
      }
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return dateTime(text);
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  private static Instant epoch(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      return null;
    }
    long millis = value < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
    return Instant.ofEpochMilli(millis);
  }

  private static Instant dateTime(String text) {
    Instant fast = commonDateTime(text);
    return fast != null ? fast : formattedDateTime(text);
  }

  /**
   * {@code yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z]} read by hand: the shape nearly every export uses,
   * and several times faster than a DateTimeFormatter on a million rows. Null means "not this shape".
   */
  private static Instant commonDateTime(String t) {
    int n = t.length();
    if (n < 19 || t.charAt(4) != '-' || t.charAt(7) != '-' || (t.charAt(10) != 'T' && t.charAt(10) != ' ')
        || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return null;
    }
    int end = t.charAt(n - 1) == 'Z' ? n - 1 : n;
    int nanos = 0;
    if (end > 19) {
      if (t.charAt(19) != '.' || end - 20 < 1 || end - 20 > 9) {
        return null;
      }
      int fraction = digits(t, 20, end);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction;
      for (int i = end - 20; i < 9; i++) {
        nanos *= 10;
      }
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 7);
    int day = digits(t, 8, 10);
    int hour = digits(t, 11, 13);
    int minute = digits(t, 14, 16);
    int second = digits(t, 17, 19);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
  }

  /** The decimal number in {@code t[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String t, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static Instant formattedDateTime(String text) {
    // "yyyy-MM-dd HH:mm:ss" (SQL, LiteLLM) is ISO with a space for the T.
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
    TemporalAccessor parsed = DATE_TIME.parse(iso);
    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      return OffsetDateTime.from(parsed).toInstant();
    }
    return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
  }

  /** Digits, a point and an exponent only: dates always have a dash or a colon. */
  private static boolean looksNumeric(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+') {
        return false;
      }
    }
    return true;
  }
}
