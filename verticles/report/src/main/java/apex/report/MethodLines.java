package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.OptimizerResult;
import apex.runtime.pricing.SpendWindow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How each number of the report came about, one line per figure, pointing at docs/ANALYSIS.md. */
final class MethodLines {
  private MethodLines() {}

  static List<String> of(DataResult data, OptimizerResult optimizer) {
    SpendWindow window = new SpendWindow(data.window());
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.US, "Spend is the sum of the recorded cost of your %,d usage calls in the %s "
        + "(one SQL aggregate per analysis over your rows; rows without a cost are left out and listed in the "
        + "data-quality notes).", data.totals().requests(), window.describe()));
    lines.add(String.format(Locale.US, "Monthly figures are the window's figure × 30 / %d days.",
        data.window().days()));
    if (optimizer == null || ReportFacts.METHOD_BASIC.equals(optimizer.method())) {
      lines.add("No savings were priced in this run: the recommendations point at where the money goes.");
    } else {
      lines.add("Savings are priced with the genai-prices catalog (@pydantic/genai-prices, MIT) at list prices, "
          + "as the ratio between the current and the proposed setup applied to your actual cost, so discounts "
          + "on your bill carry over. The levers (anomaly alerts, retry waste, duplicate caching, output caps, "
          + "model right-sizing, prompt caching, batch API, provider alternatives) run in that order over the "
          + "cost of each feature × model, each taking only what the earlier ones left, so no dollar is counted "
          + "twice; the total is the sum of the recommendations. Models the catalog does not know get no "
          + "estimate. See docs/ANALYSIS.md (Optimizer: the levers).");
      lines.add("Savings percent is the projected monthly savings divided by the monthly spend.");
    }
    if (data.forecast() != null) {
      lines.add(ForecastFacts.method(data.forecast()));
    }
    return lines;
  }
}
