package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * The optional anomaly stage's answer ({@code apex.stage.anomaly}, {@code stage/anomaly-result.json}):
 * the days whose spend stands out, and how they were picked, in words.
 */
public record AnomalyResult(List<DataResult.DayAnomaly> anomalies, String method) implements Contract {}
