package apex.contracts.usage;

import apex.contracts.Contract;

/** Why a row of an upload was refused: its 1-based data row (0 = the file itself), the source column, the reason. */
public record RowProblem(int row, String column, String reason) implements Contract {}
