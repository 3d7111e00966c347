package apex.report;

import apex.contracts.stage.DataResult.Quality;
import apex.contracts.stage.Entities;
import apex.contracts.stage.OptimizerResult;
import apex.contracts.stage.TriageResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QualityNotesTest {

  @Test
  void eachGapNamesItsRowsAndTheAnalysisItWeakens() {
    Usage.Data data = new Usage.Data();
    data.quality = new Quality(1_000, 50, 0, 250, 1_000, 0, 0, List.of("region", "prompt_hash"));
    TriageResult defaultPlan = new TriageResult("cost_analysis", Entities.none(), Usage.WINDOW, TriageResult.SUFFICIENT,
        1_000, 0.3, List.of("data", "optimizer", "report"), QualityNotes.DEFAULT_PLAN);
    OptimizerResult basic = new OptimizerResult(99, 0, List.of(), List.of(), ReportFacts.METHOD_BASIC);
    assertEquals(List.of(
        "Usage on 2 of the 15 days in the window.",
        "Not in the pricing catalog, so left out of every savings estimate (never priced at zero): legacy-model.",
        "50 of 1,000 rows (5.0%) have no cost: they are not in the spend figures.",
        "250 of 1,000 rows (25.0%) have no latency: latency percentiles cover only the others.",
        "1,000 of 1,000 rows (100.0%) have no prompt hash: duplicate prompts are looked for only among the others.",
        "Fields absent from an upload in the window: prompt_hash (weakens duplicate prompts); region.",
        "Triage was unavailable: the question was answered as a cost analysis of the last 30 days.",
        "Savings not estimated: recommendations come from the aggregates alone (pricing catalog unavailable).",
        "supervisor: data came from the cache"),
        QualityNotes.of(defaultPlan, data.build(), basic, List.of("supervisor: data came from the cache")));
  }

  @Test
  void tokenMaxTokensAndFinishReasonGapsSayWhichLeversSeeLess() {
    Usage.Data data = new Usage.Data();
    data.quality = new Quality(200, 0, 20, 0, 0, 100, 2, List.of());
    List<String> notes = QualityNotes.of(Usage.triage(TriageResult.SUFFICIENT, 200), data.build(),
        new OptimizerResult(99, 0, List.of(), List.of(), "catalog"), List.of());
    assertEquals(List.of(
        "20 of 200 rows (10.0%) have no token counts: model right-sizing, prompt caching and output caps see only "
            + "the others.",
        "100 of 200 rows (50.0%) have no max_tokens: runaway output is capped only where a cap was recorded.",
        "2 of 200 rows (1.0%) have no finish reason: truncated answers are counted only among the others."),
        notes.subList(2, notes.size()));
  }
}
