package apex.contracts.stage;

import apex.contracts.Contract;

import java.time.LocalDate;

/** An analysis window of whole UTC days, {@code from} and {@code to} inclusive (ISO dates). */
public record Window(String from, String to, int days) implements Contract {
  /** The days of the window a question that names none is about. */
  public static final int DEFAULT_DAYS = 30;

  /** The {@code days} whole days that end with {@code today}. */
  public static Window lastDays(int days, LocalDate today) {
    return new Window(today.minusDays(days - 1L).toString(), today.toString(), days);
  }
}
