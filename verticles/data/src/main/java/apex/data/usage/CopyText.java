package apex.data.usage;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Rows in PostgreSQL's COPY text format: tab between fields, {@code \N} for null, backslash escapes
 * for backslash, tab, newline and carriage return. {@link #take()} hands over what was written and
 * starts afresh.
 */
final class CopyText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out = new StringBuilder(1 << 16);
  private boolean rowStarted;

  CopyText text(String value) {
    separate();
    if (value == null) {
      out.append("\\N");
      return this;
    }
    if (plain(value)) {
      out.append(value);
      return this;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return this;
  }

  CopyText number(long value) {
    separate();
    out.append(value);
    return this;
  }

  CopyText number(Integer value) {
    separate();
    out.append(value == null ? "\\N" : value.toString());
    return this;
  }

  CopyText bool(boolean value) {
    separate();
    out.append(value ? 't' : 'f');
    return this;
  }

  /**
   * An instant as {@code yyyy-MM-dd HH:mm:ss.ffffff+00} (microseconds, UTC), what {@code timestamptz}
   * stores; written by hand, since {@code Instant.toString()} cost a tenth of an upload's time. Years
   * outside 0–9999 go as {@code Instant.toString()} writes them, for the database to judge.
   */
  CopyText instant(Instant value) {
    separate();
    LocalDateTime t = LocalDateTime.ofEpochSecond(value.getEpochSecond(), value.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      out.append(value);
      return this;
    }
    pad(t.getYear(), 4).append('-');
    pad(t.getMonthValue(), 2).append('-');
    pad(t.getDayOfMonth(), 2).append(' ');
    pad(t.getHour(), 2).append(':');
    pad(t.getMinute(), 2).append(':');
    pad(t.getSecond(), 2).append('.');
    pad(t.getNano() / 1000, 6).append("+00");
    return this;
  }

  CopyText date(LocalDate value) {
    separate();
    out.append(value);
    return this;
  }

  /** Micro-dollars as dollars with six decimals; null stays null. */
  CopyText micros(Long value) {
    separate();
    out.append(value == null ? "\\N" : BigDecimal.valueOf(value, 6).toPlainString());
    return this;
  }

  /** {@code bytea} in hex form; the leading backslash is escaped as COPY's text format requires. */
  CopyText bytes(byte[] value) {
    separate();
    out.append("\\\\x");
    for (byte b : value) {
      out.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }
    return this;
  }

  CopyText endRow() {
    out.append('\n');
    rowStarted = false;
    return this;
  }

  byte[] take() {
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    out.setLength(0);
    return bytes;
  }

  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
        return false;
      }
    }
    return true;
  }

  private StringBuilder pad(int value, int width) {
    int digits = 1;
    for (int rest = value; rest >= 10; rest /= 10) {
      digits++;
    }
    for (; digits < width; digits++) {
      out.append('0');
    }
    return out.append(value);
  }

  private void separate() {
    if (rowStarted) {
      out.append('\t');
    }
    rowStarted = true;
  }
}
