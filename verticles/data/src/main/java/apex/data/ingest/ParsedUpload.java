package apex.data.ingest;

import apex.contracts.usage.RowProblem;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What {@link UsageFileParser} made of an upload. The caller rejects the upload when
 * {@code problemCount > 0}; the records themselves went to the parser's sink as they were read.
 *
 * @param format         {@code csv}, {@code json} or {@code ndjson}
 * @param rows           records handed to the sink (none after the first problem)
 * @param problems       the first 100 problems, in file order
 * @param problemCount   all problems, including those not listed
 * @param unpricedModels models (sorted) whose cost was missing and that the cost function has no price for
 * @param columns        source column → the usage field it was read into, for every column that was used
 */
public record ParsedUpload(String format, int rows, List<RowProblem> problems, int problemCount,
                           List<String> unpricedModels, Map<String, String> columns) {

  /** The canonical fields the upload carried (a CSV header's columns, the keys of any JSON row), in field order. */
  public List<String> fields() {
    Collection<String> present = columns.values();
    return Arrays.stream(Field.values()).map(f -> f.column).filter(present::contains).toList();
  }
}
