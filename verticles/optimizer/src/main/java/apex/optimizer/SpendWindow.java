package apex.optimizer;

import apex.contracts.stage.Window;

import java.util.Locale;

/** Turns spend over the analysis window into spend per month (30 days), and names the window. */
record SpendWindow(Window window) {

  private static final double DAYS_PER_MONTH = 30;

  double monthly(double windowUsd) {
    return windowUsd * DAYS_PER_MONTH / Math.max(1, window.days());
  }

  String describe() {
    return String.format(Locale.US, "%d-day window %s to %s", window.days(), window.from(), window.to());
  }
}
