package apex.triage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WindowPhrasesTest {

  @ParameterizedTest(name = "{1} on {0}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-11-22 | spend over the last 30 days     | 2026-10-24 | 2026-11-22 | last 30 days
      2026-11-22 | costs for the past 2 weeks       | 2026-11-09 | 2026-11-22 | past 2 weeks
      2026-11-22 | over the last two weeks          | 2026-11-09 | 2026-11-22 | last two weeks
      2026-11-22 | what did we spend last month     | 2026-10-01 | 2026-10-31 | last month
      2026-11-22 | spend this month                 | 2026-11-01 | 2026-11-22 | this month
      2026-11-22 | cost by model Since March        | 2026-03-01 | 2026-11-22 | Since March
      2026-11-22 | spend since 2026-10-01           | 2026-10-01 | 2026-11-22 | since 2026-10-01
      2026-11-22 | what happened in October         | 2026-10-01 | 2026-10-31 | in October
      2026-11-22 | costs yesterday                  | 2026-11-21 | 2026-11-21 | yesterday
      2026-11-22 | costs today                      | 2026-11-22 | 2026-11-22 | today
      2026-11-22 | spend this week                  | 2026-11-16 | 2026-11-22 | this week
      2026-11-22 | spend last week                  | 2026-11-09 | 2026-11-15 | last week
      2026-11-22 | last quarter by provider         | 2026-07-01 | 2026-09-30 | last quarter
      2026-11-22 | spend year to date               | 2026-01-01 | 2026-11-22 | year to date
      2026-11-22 | spend in Q3                      | 2026-07-01 | 2026-09-30 | Q3
      2026-11-22 | spend between Nov 1 and Nov 15   | 2026-11-01 | 2026-11-15 | between Nov 1 and Nov 15
      2026-11-22 | from Dec 20 to Jan 5             | 2025-12-20 | 2026-01-05 | from Dec 20 to Jan 5
      2026-11-22 | costs in December                | 2025-12-01 | 2025-12-31 | in December
      2026-11-22 | costs in November                | 2026-11-01 | 2026-11-22 | in November
      2026-11-22 | spike on Tuesday                 | 2026-11-17 | 2026-11-17 | on Tuesday
      2026-11-22 | since the 15th                   | 2026-11-15 | 2026-11-22 | since the 15th
      2026-11-22 | the last 24 hours                | 2026-11-21 | 2026-11-22 | last 24 hours
      2026-11-22 | the last 3 months                | 2026-08-23 | 2026-11-22 | last 3 months
      2026-01-01 | what did we spend last month     | 2025-12-01 | 2025-12-31 | last month
      2026-01-01 | spend this month                 | 2026-01-01 | 2026-01-01 | this month
      2026-01-01 | costs yesterday                  | 2025-12-31 | 2025-12-31 | yesterday
      2026-01-01 | last quarter by provider         | 2025-10-01 | 2025-12-31 | last quarter
      2026-01-01 | spend this week                  | 2025-12-29 | 2026-01-01 | this week
      2027-01-15 | cost by model since March        | 2026-03-01 | 2027-01-15 | since March
      2026-03-01 | cost by model since March        | 2026-03-01 | 2026-03-01 | since March
      2026-03-31 | what did we spend last month     | 2026-02-01 | 2026-02-28 | last month
      2026-03-31 | over the past month              | 2026-03-01 | 2026-03-31 | past month
      2028-03-15 | what did we spend last month     | 2028-02-01 | 2028-02-29 | last month
      2028-03-15 | costs in February                | 2028-02-01 | 2028-02-29 | in February
      2029-02-28 | spend since Feb 29               | 2028-02-29 | 2029-02-28 | since Feb 29
      2028-02-29 | spend since Feb 29               | 2028-02-29 | 2028-02-29 | since Feb 29
      2028-02-29 | the past year                    | 2027-03-01 | 2028-02-29 | past year
      """)
  void phrasesGiveExactWindows(String today, String question, String from, String to, String text) {
    WindowPhrases.Named named = WindowPhrases.find(question, LocalDate.parse(today));
    assertEquals(from, named.window().from());
    assertEquals(to, named.window().to());
    assertEquals(LocalDate.parse(from).datesUntil(LocalDate.parse(to).plusDays(1)).count(), named.window().days());
    assertEquals(text, named.text());
  }

  @Test
  void aQuestionWithoutAWindowGetsTheLastThirtyDays() {
    assertNull(WindowPhrases.find("which model should we use?", LocalDate.parse("2026-11-22")));
    assertEquals("2026-10-24", WindowPhrases.defaultWindow(LocalDate.parse("2026-11-22")).from());
    assertEquals(30, WindowPhrases.defaultWindow(LocalDate.parse("2026-11-22")).days());
  }

  @Test
  void deadlinesFutureMonthsAndImpossibleDatesNameNoWindow() {
    LocalDate today = LocalDate.parse("2026-11-22");
    assertNull(WindowPhrases.find("cut spend by half before Q1", today));
    assertNull(WindowPhrases.find("what's the forecast for December", today));
    assertNull(WindowPhrases.find("projected cost for the next 3 months", today));
    assertNull(WindowPhrases.find("spend since Feb 30", today));
    assertNull(WindowPhrases.find("spend since 2027-01-01", today));
    assertNull(WindowPhrases.find("we may 2x our spend", today));
  }

  @Test
  void absurdWindowsKeepTheirLastYear() {
    WindowPhrases.Named named = WindowPhrases.find("costs over the last 999 months", LocalDate.parse("2026-11-22"));
    assertEquals(WindowPhrases.MAX_DAYS, named.window().days());
    assertEquals("2026-11-22", named.window().to());
  }
}
