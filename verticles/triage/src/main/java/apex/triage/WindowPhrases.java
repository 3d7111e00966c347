package apex.triage;

import apex.contracts.stage.Window;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static apex.triage.DateWords.DATE;
import static apex.triage.DateWords.MONTH;
import static apex.triage.DateWords.WEEKDAY;

/**
 * The analysis window a question names in words ("last 30 days", "last month", "since March",
 * "in October", "Q3", "between Nov 1 and Nov 15"), as whole UTC days ending no later than today.
 * The earliest phrase in the question wins; a bare month name ("October spend") counts only when
 * nothing else is named. Windows longer than {@link #MAX_DAYS} keep their last {@link #MAX_DAYS} days.
 */
final class WindowPhrases {
  static final int MAX_DAYS = 366;

  /** A window found in the question and the phrase as written. */
  record Named(Window window, String text) {}

  private record Span(LocalDate from, LocalDate to) {}

  private record Rule(Pattern pattern, BiFunction<Matcher, LocalDate, Span> span) {}

  private static final String N = "(\\d{1,3}|(?:a\\s+)?couple(?:\\s+of)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
  private static final Map<String, Integer> NUMBER_WORDS = Map.ofEntries(Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5),
      Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
      Map.entry("eleven", 11), Map.entry("twelve", 12));
  /** Words before a month or quarter that make it a deadline or a target, not a window. */
  private static final String NOT_AFTER = "(?<!before )(?<!by )(?<!until )(?<!till )(?<!next )";

  private static final List<Rule> RULES = List.of(
      rule("(?:from|between)\\s+(" + DATE + ")\\s+(?:to|and|until|till|through|-)\\s+(" + DATE + ")",
          (m, t) -> range(DateWords.date(m.group(1), t), DateWords.date(m.group(2), t))),
      rule("since\\s+(?:the\\s+)?(?:start|beginning)\\s+of\\s+(?:the\\s+|this\\s+)?(week|month|quarter|year)",
          (m, t) -> new Span(startOf(m.group(1), t), t)),
      rule("since\\s+(" + DATE + ")", (m, t) -> since(DateWords.date(m.group(1), t), t)),
      rule("since\\s+(" + MONTH + ")(?:\\s+(\\d{4}))?(?!\\s*\\d)",
          (m, t) -> new Span(monthStart(m.group(1), m.group(2), t), t)),
      rule("since\\s+(last\\s+)?(" + WEEKDAY + ")",
          (m, t) -> new Span(DateWords.latest(DateWords.weekday(m.group(2)), t, m.group(1) != null), t)),
      rule("(?:last|past|previous)\\s+" + N + "\\s*(days?|d|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?|h)\\b",
          WindowPhrases::lastN),
      rule("(?:last|past|previous)\\s+fortnight", (m, t) -> days(14, t)),
      rule("(?:last|previous)\\s+(week|month|quarter|year)", (m, t) -> previous(m.group(1), t)),
      rule("(?:this\\s+)?past\\s+(week|month|quarter|year)", (m, t) -> rolling(m.group(1), t)),
      rule("(?:so\\s+far\\s+)?this\\s+(week|month|quarter|year)|(week|month|quarter|year)[\\s-]to[\\s-]date",
          (m, t) -> new Span(startOf(m.group(1) != null ? m.group(1) : m.group(2), t), t)),
      rule("\\b([wmqy])td\\b", (m, t) -> new Span(startOf(unitOf(m.group(1)), t), t)),
      rule("\\byesterday\\b", (m, t) -> new Span(t.minusDays(1), t.minusDays(1))),
      rule("\\btoday\\b", (m, t) -> new Span(t, t)),
      rule("(?:on\\s+|last\\s+)(" + WEEKDAY + ")", (m, t) -> day(DateWords.latest(DateWords.weekday(m.group(1)), t,
          m.group().startsWith("last")))),
      rule(NOT_AFTER + "\\bq([1-4])(?:\\s+(\\d{4}))?\\b", WindowPhrases::quarter),
      rule("(?:in|during|for|of)\\s+(" + MONTH + ")(?:\\s+(\\d{4}))?(?!\\s*\\d)",
          (m, t) -> month(m.group(1), m.group(2), m.group().startsWith("for"), t)),
      rule("\\b(?:on\\s+)?(" + DATE + ")", (m, t) -> day(DateWords.date(m.group(1), t))));

  /** Weaker than every rule above: only when none of them matched. */
  private static final Rule BARE_MONTH = rule(NOT_AFTER + "(?<!\\d\\s)(?<!may\\s)\\b(" + MONTH.replace("|may", "")
      + ")(?:'s)?(?:\\s+(\\d{4}))?\\b(?!\\s*\\d)", (m, t) -> month(m.group(1), m.group(2), true, t));

  private WindowPhrases() {}

  /** The last {@link Window#DEFAULT_DAYS} days, for a question that names no window. */
  static Window defaultWindow(LocalDate today) {
    return Window.lastDays(Window.DEFAULT_DAYS, today);
  }

  /** The window named in the question, or null when it names none. */
  static Named find(String question, LocalDate today) {
    String text = question.toLowerCase(Locale.ROOT);
    Named found = earliest(RULES, question, text, today);
    return found != null ? found : earliest(List.of(BARE_MONTH), question, text, today);
  }

  private static Named earliest(List<Rule> rules, String question, String text, LocalDate today) {
    Matcher best = null;
    Span bestSpan = null;
    for (Rule rule : rules) {
      Matcher m = rule.pattern().matcher(text);
      while (m.find()) {
        Span span = rule.span().apply(m, today);
        if (span != null && !span.from().isAfter(today)) {
          if (best == null || m.start() < best.start() || (m.start() == best.start() && m.end() > best.end())) {
            best = m;
            bestSpan = span;
          }
          break;
        }
      }
    }
    if (best == null) {
      return null;
    }
    String written = question.length() == text.length() ? question.substring(best.start(), best.end()) : best.group();
    return new Named(window(clamp(bestSpan, today)), written.trim());
  }

  private static Rule rule(String regex, BiFunction<Matcher, LocalDate, Span> span) {
    return new Rule(Pattern.compile(regex), span);
  }

  private static Span clamp(Span span, LocalDate today) {
    LocalDate to = span.to().isAfter(today) ? today : span.to();
    LocalDate from = ChronoUnit.DAYS.between(span.from(), to) >= MAX_DAYS ? to.minusDays(MAX_DAYS - 1L) : span.from();
    return new Span(from, to);
  }

  private static Window window(Span span) {
    return new Window(span.from().toString(), span.to().toString(),
        (int) ChronoUnit.DAYS.between(span.from(), span.to()) + 1);
  }

  private static Span days(long n, LocalDate today) {
    return new Span(today.minusDays(n - 1), today);
  }

  private static Span day(LocalDate date) {
    return date == null ? null : new Span(date, date);
  }

  private static Span since(LocalDate date, LocalDate today) {
    return date == null ? null : new Span(date, today);
  }

  private static Span range(LocalDate from, LocalDate to) {
    if (from == null || to == null) {
      return null;
    }
    return to.isBefore(from) ? new Span(to, from) : new Span(from, to);
  }

  /** "last 3 days" ends today; weeks are 7 days; months and years are calendar ones back from today. */
  private static Span lastN(Matcher m, LocalDate today) {
    String count = m.group(1);
    int n = count.contains("couple") ? 2 : NUMBER_WORDS.getOrDefault(count, -1);
    n = n >= 0 ? n : Integer.parseInt(count);
    if (n == 0) {
      return null;
    }
    n = Math.min(n, MAX_DAYS);
    return switch (m.group(2).charAt(0)) {
      case 'd' -> days(n, today);
      case 'w' -> days(7L * n, today);
      case 'm' -> new Span(today.minusMonths(n).plusDays(1), today);
      case 'y' -> new Span(today.minusYears(n).plusDays(1), today);
      default -> new Span(today.minusDays((n + 23) / 24), today);
    };
  }

  /** "last month": the previous calendar month (likewise week from Monday, quarter, year). */
  private static Span previous(String unit, LocalDate today) {
    LocalDate start = startOf(unit, today);
    LocalDate prevStart = switch (unit) {
      case "week" -> start.minusWeeks(1);
      case "month" -> start.minusMonths(1);
      case "quarter" -> start.minusMonths(3);
      default -> start.minusYears(1);
    };
    return new Span(prevStart, start.minusDays(1));
  }

  /** "past month": the month up to today (a week is 7 days, a quarter 3 months). */
  private static Span rolling(String unit, LocalDate today) {
    return switch (unit) {
      case "week" -> days(7, today);
      case "month" -> new Span(today.minusMonths(1).plusDays(1), today);
      case "quarter" -> new Span(today.minusMonths(3).plusDays(1), today);
      default -> new Span(today.minusYears(1).plusDays(1), today);
    };
  }

  private static LocalDate startOf(String unit, LocalDate today) {
    return switch (unit) {
      case "week" -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "month" -> today.withDayOfMonth(1);
      case "quarter" -> today.with(IsoFields.DAY_OF_QUARTER, 1);
      default -> today.withDayOfYear(1);
    };
  }

  private static String unitOf(String letter) {
    return switch (letter) {
      case "w" -> "week";
      case "m" -> "month";
      case "q" -> "quarter";
      default -> "year";
    };
  }

  private static LocalDate monthStart(String name, String year, LocalDate today) {
    Month month = DateWords.month(name);
    return year != null ? LocalDate.of(Integer.parseInt(year), month, 1) : DateWords.latestStartOf(month, today);
  }

  /**
   * A named month, up to today. {@code aheadMeansFuture}: a month later in the year than this one,
   * named bare or after "for" ("the forecast for December"), is a target, not a window.
   */
  private static Span month(String name, String year, boolean aheadMeansFuture, LocalDate today) {
    if (year == null && aheadMeansFuture && DateWords.month(name).compareTo(today.getMonth()) > 0) {
      return null;
    }
    LocalDate start = monthStart(name, year, today);
    return new Span(start, start.plusMonths(1).minusDays(1));
  }

  private static Span quarter(Matcher m, LocalDate today) {
    Month first = Month.of(3 * Integer.parseInt(m.group(1)) - 2);
    LocalDate start = m.group(2) != null
        ? LocalDate.of(Integer.parseInt(m.group(2)), first, 1) : DateWords.latestStartOf(first, today);
    return new Span(start, start.plusMonths(3).minusDays(1));
  }
}
