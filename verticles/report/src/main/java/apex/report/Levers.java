package apex.report;

/** The optimizer's lever names (docs/ANALYSIS.md, "Optimizer: the levers"), as the report groups them. */
final class Levers {
  private Levers() {}

  static final String ANOMALY_ALERTS = "anomaly_alerts";
  static final String DUPLICATE_CACHING = "duplicate_caching";
  static final String MODEL_RIGHT_SIZING = "model_right_sizing";
  static final String PROMPT_CACHING = "prompt_caching";
  static final String BATCH_API = "batch_api";
  static final String PROVIDER_ALTERNATIVES = "provider_alternatives";
}
