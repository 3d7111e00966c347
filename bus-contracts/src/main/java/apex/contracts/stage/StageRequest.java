package apex.contracts.stage;

import apex.contracts.Contract;
import apex.contracts.run.RunRef;

import java.util.List;

/**
 * supervisor → stage: the run, the question, what earlier stages produced, and the notes of the
 * earlier stages that fell back (the report shows them). A stage reads what it needs and ignores
 * the rest; the same request always gives the same result, and a stage asked twice for one run
 * answers what it answered the first time.
 */
public record StageRequest(RunRef run, String question, TriageResult triage, DataResult data,
                           OptimizerResult optimizer, List<String> degradedNotes) implements Contract {

  public StageRequest(RunRef run, String question, TriageResult triage, DataResult data, OptimizerResult optimizer) {
    this(run, question, triage, data, optimizer, null);
  }
}
