package apex.contracts.stage;

import apex.contracts.Contract;

import java.util.List;

/**
 * data → triage: how much usage a user has in a window. Dates are null when there are no rows.
 * {@code missingFields} lists the usage fields (such as {@code input_tokens} or
 * {@code cached_input_tokens}) that an upload with rows in the window did not carry.
 */
public record Coverage(String userId, Window window, long rows, long daysWithData, String firstDay, String lastDay,
                       List<String> missingFields)
    implements Contract {}
