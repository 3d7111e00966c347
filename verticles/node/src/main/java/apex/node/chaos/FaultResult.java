package apex.node.chaos;

/**
 * One injected fault and what followed: when (s since the harness began), on which node, how many
 * runs were in flight and how they ended, and the time from the fault (for an outage: from the
 * dependency's return) to full service, or -1 when full service did not come back within the bound.
 */
record FaultResult(String fault, String target, double atSeconds, int inFlight, int completed, int degraded,
                   int failed, int unfinished, double recoverySeconds, double backSeconds) {

  boolean isNodeKill() {
    return fault.startsWith("kill -9");
  }
}
