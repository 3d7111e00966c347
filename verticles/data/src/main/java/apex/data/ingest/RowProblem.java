package apex.data.ingest;

/**
 * Why one row (or the whole file) of an upload could not be used.
 *
 * @param row    1-based data row (the line number for NDJSON); 0 means the file itself
 * @param column the column as the file names it (a dotted path for nested JSON), or null when the
 *               problem is not about one column
 * @param reason what is wrong, in words a person can act on
 */
public record RowProblem(int row, String column, String reason) {}
