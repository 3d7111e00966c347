package apex.contracts;

/** Event-bus header names carried across hops. */
public final class BusHeaders {
  private BusHeaders() {}

  /** The verified user a message acts for; set only by ws-bridge from a verified token. */
  public static final String USER_ID = "apex-user-id";
  public static final String RUN_ID = "apex-run-id";
  /**
   * The highest seq the sender knows for the run named in a stage request, so the stage numbers its
   * events after it while Redis cannot (RunEventEmitter).
   */
  public static final String RUN_SEQ = "apex-run-seq";
  /**
   * On a stage request, {@code true} when the run's supervisor has not asked this stage before (a
   * fresh run's first attempt): the stage goes straight to the work instead of first looking for a
   * kept answer. Its answer is still claimed with SET NX, so two answers for one run cannot differ
   * (StageResults). Without it the stage looks first.
   */
  public static final String FIRST_ASK = "apex-first-ask";
  /**
   * The cluster node id of the node that emitted a run event, so the supervisor knows which node is
   * working on a stage and asks another one at once when that node leaves the cluster.
   */
  public static final String NODE = "apex-node";
  /** W3C trace context, carried so a run can be followed across nodes. */
  public static final String TRACEPARENT = "traceparent";
}
