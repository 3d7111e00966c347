package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/** The answer: markdown for the chat and the same content structured for the UI and the API. */
public record ReportResult(String markdown, Report report) implements Contract {

  public record Report(String title, String summary, Window window, double windowSpendUsd, double monthlySpendUsd,
                       double totalMonthlySavingsUsd, List<Recommendation> recommendations,
                       List<ChartPoint> costByModel, List<ChartPoint> dailyCost, List<String> dataQualityNotes)
      implements Contract {}

  public record ChartPoint(String label, double value) implements Contract {}
}
