package apex.triage;

import apex.contracts.stage.Coverage;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;

import java.util.List;

/**
 * Whether the user's rows in the window can answer the question: none → insufficient (the report
 * explains how to upload); few rows, data on fewer than half the window's days, or a watched usage
 * field missing from the upload → partial; otherwise sufficient.
 */
record Sufficiency(String level, List<String> missingFields) {
  /** Below this many rows the answer is partial. */
  static final int MIN_ROWS = 50;

  static Sufficiency of(Window window, Coverage coverage) {
    List<String> missing = coverage.missingFields() == null ? List.of() : List.copyOf(coverage.missingFields());
    if (coverage.rows() == 0) {
      return new Sufficiency(TriageResult.INSUFFICIENT, List.of());
    }
    boolean thin = coverage.rows() < MIN_ROWS || coverage.daysWithData() * 2 < window.days();
    return new Sufficiency(thin || !missing.isEmpty() ? TriageResult.PARTIAL : TriageResult.SUFFICIENT, missing);
  }

  /** The stages still to run: only the report (upload guidance) when there is nothing to analyse. */
  List<String> plan() {
    return TriageResult.INSUFFICIENT.equals(level) ? List.of("report") : List.of("data", "optimizer", "report");
  }

  /**
   * The result's {@code method}: how the intent was found ("rules", or "rules+llm"), plus the
   * missing fields, as the contract has no field for them ("rules; missing_fields=cached_input_tokens").
   */
  String method(String classifier) {
    return missingFields.isEmpty() ? classifier : classifier + "; missing_fields=" + String.join(",", missingFields);
  }
}
