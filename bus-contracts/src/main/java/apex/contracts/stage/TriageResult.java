package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * Triage's classification. {@code dataSufficiency} is one of {@code sufficient}, {@code partial},
 * {@code insufficient}, measured against the user's rows in {@code window}; {@code plan} lists the
 * stages still to run.
 */
public record TriageResult(String intent, Entities entities, Window window, String dataSufficiency,
                           long rowsInWindow, double confidence, List<String> plan, String method)
    implements Contract {

  public static final String SUFFICIENT = "sufficient";
  public static final String PARTIAL = "partial";
  public static final String INSUFFICIENT = "insufficient";
}
