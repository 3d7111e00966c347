package apex.contracts.run;

import apex.contracts.Contract;

/** A thread in the user's list: its title is the first message, shortened. */
public record ThreadSummary(String threadId, String title, String createdAt, String updatedAt) implements Contract {}
