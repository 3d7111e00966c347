package apex.contracts.run;

import apex.contracts.browser.Frame;

/** supervisor → ws-bridge → browser: the run exists and will stream its events. */
public record RunAccepted(String clientMsgId, String runId, String threadId) implements Frame {
  @Override
  public String frameType() {
    return "run_accepted";
  }
}
