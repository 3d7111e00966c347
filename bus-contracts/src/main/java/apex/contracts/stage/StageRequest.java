package apex.contracts.stage;

import apex.contracts.Contract;
import apex.contracts.run.RunRef;

/**
 * supervisor → stage: the run, the question, and what earlier stages produced. A stage reads what
 * it needs and ignores the rest; the same request always gives the same result.
 */
public record StageRequest(RunRef run, String question, TriageResult triage, DataResult data,
                           OptimizerResult optimizer) implements Contract {}
