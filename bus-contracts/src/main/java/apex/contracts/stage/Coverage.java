package apex.contracts.stage;

import apex.contracts.Contract;

/** data → triage: how much usage a user has in a window. Dates are null when there are no rows. */
public record Coverage(String userId, Window window, long rows, long daysWithData, String firstDay, String lastDay)
    implements Contract {}
