package apex.contracts.run;

import apex.contracts.Contract;

/** ws-bridge → supervisor: a user message that starts a run. {@code threadId} null starts a thread. */
public record StartRun(String userId, String clientMsgId, String threadId, String text) implements Contract {}
