package apex.contracts;

/** Event-bus header names carried across hops. */
public final class BusHeaders {
  private BusHeaders() {}

  /** The verified user a message acts for; set only by ws-bridge from a verified token. */
  public static final String USER_ID = "apex-user-id";
  public static final String RUN_ID = "apex-run-id";
  /** W3C trace context, carried so a run can be followed across nodes. */
  public static final String TRACEPARENT = "traceparent";
}
