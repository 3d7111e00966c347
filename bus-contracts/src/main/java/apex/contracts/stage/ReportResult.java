package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/** The answer: markdown for the chat and the same content structured for the UI and the API. */
public record ReportResult(String markdown, Report report) implements Contract {

  /**
   * {@code savingsPercent} is the projected monthly savings as a share of the monthly spend (0–100).
   * {@code dailyCost} has one point per day with data; {@code forecastCost} continues it with the
   * projected cost of each remaining day of the month; {@code monthEndForecastUsd} is null without
   * data. {@code method} says how the numbers were computed.
   */
  public record Report(String title, String summary, Window window, double windowSpendUsd, double monthlySpendUsd,
                       double totalMonthlySavingsUsd, double savingsPercent, List<Recommendation> recommendations,
                       List<ChartPoint> costByModel, List<ChartPoint> dailyCost, List<ChartPoint> forecastCost,
                       Double monthEndForecastUsd, List<ActionStep> actionPlan, List<String> dataQualityNotes,
                       List<String> method)
      implements Contract {}

  public record ChartPoint(String label, double value) implements Contract {}

  /** One step of the action plan: when to do it, the recommendation it belongs to, what to do. */
  public record ActionStep(String when, String recommendationId, String text) implements Contract {}
}
