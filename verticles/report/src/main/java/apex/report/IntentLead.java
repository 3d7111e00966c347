package apex.report;

import apex.contracts.stage.DataResult;
import apex.contracts.stage.Recommendation;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What an answer opens with for each triage intent that has a finding of its own: the sentence the
 * summary starts with and the section written right after the summary. A cost analysis or a
 * general question has no lead; the full report follows in every case.
 */
enum IntentLead {
  CACHING("caching", Leads::caching, FindingSections::caching),
  BATCHING("batching", Leads::batching, FindingSections::batching),
  MODEL_CHOICE("model_selection", Leads::modelChoice, FindingSections::modelChoice),
  FORECAST("budget_forecast", Leads::forecast, FindingSections::forecast),
  ANOMALIES("anomaly", Leads::anomalies, FindingSections::anomalies),
  LATENCY("latency", Leads::latency, FindingSections::latency);

  /** Writes a finding's section. */
  interface Section {
    void write(Markdown md, DataResult data, List<Recommendation> ranked);
  }

  private final String intent;
  private final BiFunction<DataResult, List<Recommendation>, String> sentence;
  private final Section section;

  IntentLead(String intent, BiFunction<DataResult, List<Recommendation>, String> sentence, Section section) {
    this.intent = intent;
    this.sentence = sentence;
    this.section = section;
  }

  static Optional<IntentLead> of(String intent) {
    return Arrays.stream(values()).filter(lead -> lead.intent.equals(intent)).findFirst();
  }

  String sentence(DataResult data, List<Recommendation> ranked) {
    return sentence.apply(data, ranked);
  }

  void write(Markdown md, DataResult data, List<Recommendation> ranked) {
    section.write(md, data, ranked);
  }
}
