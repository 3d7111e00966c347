package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.TriageResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The data-quality notes: what the figures do not cover and why — partial coverage, unpriced
 * models, rows or whole uploads without a field some analysis needs (naming that analysis), and
 * stages that fell back. A note is written only when its gap exists.
 */
final class QualityNotes {
  private QualityNotes() {}

  static final String DEFAULT_PLAN = "default-plan";

  /** Which analyses a usage field feeds (field names as in docs/USAGE-FORMATS.md). */
  private static final Map<String, String> FEEDS = Map.ofEntries(
      Map.entry("input_tokens", "token totals, model right-sizing, prompt caching"),
      Map.entry("output_tokens", "token totals, model right-sizing, output caps"),
      Map.entry("cached_input_tokens", "cache hit ratio, prompt caching"),
      Map.entry("cache_write_tokens", "cache hit ratio"),
      Map.entry("latency_ms", "latency percentiles"),
      Map.entry("prompt_hash", "duplicate prompts"),
      Map.entry("max_tokens", "output caps (runaway calls)"),
      Map.entry("finish_reason", "output caps (truncated answers)"),
      Map.entry("status", "failure and retry waste"),
      Map.entry("batch", "batch API"),
      Map.entry("cost_usd", "spend (computed from the pricing catalog instead)"),
      Map.entry("feature", "spend by feature and every per-feature lever"));

  static List<String> of(TriageResult triage, DataResult data, OptimizerResult optimizer, List<String> degradedNotes) {
    List<String> notes = new ArrayList<>();
    if (triage != null && TriageResult.PARTIAL.equals(triage.dataSufficiency())) {
      notes.add(String.format(Locale.US, "Only %,d usage rows in the window: treat the figures as indicative.",
          triage.rowsInWindow()));
    }
    if (data.byDay().size() < data.window().days()) {
      notes.add(String.format(Locale.US, "Usage on %d of the %d days in the window.", data.byDay().size(),
          data.window().days()));
    }
    unpriced(notes, data, optimizer);
    if (data.quality() != null) {
      rowGaps(notes, data.quality());
      missingFields(notes, data.quality().missingFields());
    }
    stages(notes, triage, optimizer);
    notes.addAll(Optional.ofNullable(degradedNotes).orElse(List.of()));
    return notes;
  }

  private static void unpriced(List<String> notes, DataResult data, OptimizerResult optimizer) {
    TreeSet<String> unpriced = new TreeSet<>(Optional.ofNullable(data.unpricedModels()).orElse(List.of()));
    if (optimizer != null) {
      unpriced.addAll(optimizer.unpricedModels());
    }
    if (!unpriced.isEmpty()) {
      notes.add("Not in the pricing catalog, so left out of every savings estimate (never priced at zero): "
          + String.join(", ", unpriced) + ".");
    }
    if (data.quality() != null && data.quality().unpricedRows() > 0) {
      notes.add(rows(data.quality().unpricedRows(), data.quality().rows(), "have no cost")
          + ": they are not in the spend figures.");
    }
  }

  private static void rowGaps(List<String> notes, Quality q) {
    gap(notes, q.rowsWithoutTokens(), q.rows(), "have no token counts",
        "model right-sizing, prompt caching and output caps see only the others");
    gap(notes, q.rowsWithoutLatency(), q.rows(), "have no latency", "latency percentiles cover only the others");
    gap(notes, q.rowsWithoutPromptHash(), q.rows(), "have no prompt hash",
        "duplicate prompts are looked for only among the others");
    gap(notes, q.rowsWithoutMaxTokens(), q.rows(), "have no max_tokens",
        "runaway output is capped only where a cap was recorded");
    gap(notes, q.rowsWithoutFinishReason(), q.rows(), "have no finish reason",
        "truncated answers are counted only among the others");
  }

  private static void gap(List<String> notes, long without, long rows, String what, String consequence) {
    if (without > 0) {
      notes.add(rows(without, rows, what) + ": " + consequence + ".");
    }
  }

  private static void missingFields(List<String> notes, List<String> fields) {
    if (fields == null || fields.isEmpty()) {
      return;
    }
    List<String> named = fields.stream().sorted()
        .map(f -> FEEDS.containsKey(f) ? f + " (weakens " + FEEDS.get(f) + ")" : f).toList();
    notes.add("Fields absent from an upload in the window: " + String.join("; ", named) + ".");
  }

  private static void stages(List<String> notes, TriageResult triage, OptimizerResult optimizer) {
    if (triage != null && DEFAULT_PLAN.equals(triage.method())) {
      notes.add("Triage was unavailable: the question was answered as a cost analysis of the last 30 days.");
    }
    if (optimizer == null) {
      notes.add("The optimizer stage returned no recommendations for this run.");
    } else if (ReportFacts.METHOD_BASIC.equals(optimizer.method())) {
      notes.add("Savings not estimated: recommendations come from the aggregates alone (pricing catalog "
          + "unavailable).");
    }
  }

  private static String rows(long some, long all, String what) {
    return all > 0 ? String.format(Locale.US, "%,d of %,d rows (%.1f%%) %s", some, all, 100.0 * some / all, what)
        : String.format(Locale.US, "%,d rows %s", some, what);
  }
}
