package apex.data.ingest;

import apex.contracts.usage.RowProblem;
import apex.data.usage.UsageRecord;

import java.util.List;
import java.util.Map;

/**
 * What {@link UsageFileParser} made of an upload. The caller rejects the upload when
 * {@code problemCount > 0}; {@code records} still holds every row that could be built.
 *
 * @param format         {@code csv}, {@code json} or {@code ndjson}
 * @param problems       the first 100 problems, in file order
 * @param problemCount   all problems, including those not listed
 * @param unpricedModels models (sorted) whose cost was missing and that the cost function has no price for
 * @param columns        source column → the usage field it was read into, for every column that was used
 */
public record ParsedUpload(String format, List<UsageRecord> records, List<RowProblem> problems, int problemCount,
                           List<String> unpricedModels, Map<String, String> columns) {}
