package apex.runtime.pricing;

import apex.contracts.stage.Window;

import java.util.Locale;

/** Turns spend over an analysis window into spend per month (30 days), and names the window. */
public record SpendWindow(Window window) {

  private static final double DAYS_PER_MONTH = 30;

  public double monthly(double windowUsd) {
    return windowUsd * DAYS_PER_MONTH / Math.max(1, window.days());
  }

  /** e.g. "15-day window 2026-11-08 to 2026-11-22" */
  public String describe() {
    return String.format(Locale.US, "%d-day window %s to %s", window.days(), window.from(), window.to());
  }
}
