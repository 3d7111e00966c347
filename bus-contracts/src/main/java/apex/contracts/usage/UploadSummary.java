package apex.contracts.usage;

import apex.contracts.Contract;

import java.util.List;

/**
 * One stored upload: what it held and what it cost. Times are ISO instants; money is USD.
 * {@code fields} are the canonical usage fields the file carried (docs/USAGE-FORMATS.md §3).
 */
public record UploadSummary(String uploadId, String source, String format, int rows, String firstTs, String lastTs,
                            double costUsd, List<String> unpricedModels, String createdAt, List<String> fields)
    implements Contract {}
