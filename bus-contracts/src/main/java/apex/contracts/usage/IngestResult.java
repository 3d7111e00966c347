package apex.contracts.usage;

import apex.contracts.Contract;

import java.util.List;

/**
 * data → ws-bridge: the outcome of an upload. {@code stored}: {@code upload} is set. {@code rejected}:
 * nothing was stored; {@code problems} lists the first 100 and {@code problemCount} counts them all.
 */
public record IngestResult(String status, UploadSummary upload, List<RowProblem> problems, int problemCount)
    implements Contract {
  public static final String STORED = "stored";
  public static final String REJECTED = "rejected";
}
