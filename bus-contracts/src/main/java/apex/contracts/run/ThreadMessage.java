package apex.contracts.run;

import apex.contracts.Contract;

/** One persisted message of a thread: the user's question or the assistant's answer. */
public record ThreadMessage(String role, String text, String runId, String createdAt) implements Contract {}
