package apex.data.ingest;

import apex.contracts.usage.RowProblem;
import java.util.ArrayList;
import java.util.List;

/** Keeps the first problems of an upload and counts all of them, so a bad 1M-row file stays cheap to report. */
final class ProblemLog {

  static final int MAX_LISTED = 100;

  private final List<RowProblem> listed = new ArrayList<>();
  private int count;

  void add(int row, String column, String reason) {
    count++;
    if (listed.size() < MAX_LISTED) {
      listed.add(new RowProblem(row, column, reason));
    }
  }

  List<RowProblem> listed() {
    return List.copyOf(listed);
  }

  int count() {
    return count;
  }
}
