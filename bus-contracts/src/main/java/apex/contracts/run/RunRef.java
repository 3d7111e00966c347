package apex.contracts.run;

import apex.contracts.Contract;

/** Which run a stage works for, and on whose data. */
public record RunRef(String runId, String threadId, String userId) implements Contract {}
