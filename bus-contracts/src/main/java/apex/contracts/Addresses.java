package apex.contracts;

/** Every event-bus address in the mesh. A stage's address is the contract it serves. */
public final class Addresses {
  private Addresses() {}

  public static final String AUTH_SIGNUP = "apex.auth.signup";
  public static final String AUTH_LOGIN = "apex.auth.login";
  public static final String AUTH_VERIFY = "apex.auth.verify";
  public static final String AUTH_REFRESH = "apex.auth.refresh";
  public static final String AUTH_LOGOUT = "apex.auth.logout";
  /** Published by auth when an access token is revoked; every bridge closes the sockets it opened. */
  public static final String AUTH_REVOKED = "apex.auth.revoked";
  public static final String AUTH_USER_LOOKUP = "apex.auth.user.lookup";
  public static final String AUTH_TICKET_ISSUE = "apex.auth.ticket.issue";
  public static final String AUTH_TICKET_REDEEM = "apex.auth.ticket.redeem";

  public static final String SUPERVISOR_START = "apex.supervisor.start";
  public static final String SUPERVISOR_THREADS = "apex.supervisor.threads";
  public static final String SUPERVISOR_THREAD = "apex.supervisor.thread";
  public static final String SUPERVISOR_RUN = "apex.supervisor.run";
  /** Published: every supervisor checks whether it drives the run named. */
  public static final String SUPERVISOR_STOP = "apex.supervisor.stop";

  public static final String STAGE_TRIAGE = "apex.stage.triage";
  public static final String STAGE_DATA = "apex.stage.data";
  public static final String STAGE_OPTIMIZER = "apex.stage.optimizer";
  public static final String STAGE_REPORT = "apex.stage.report";

  /**
   * Data verticle: open an upload session for a user's usage file (all rows or none). The reply
   * names the session's own address, to which the file is then streamed ({@code UploadSession}).
   */
  public static final String DATA_INGEST = "apex.data.ingest";
  public static final String DATA_UPLOADS = "apex.data.uploads";
  public static final String DATA_UPLOAD_DELETE = "apex.data.upload.delete";

  /** Data verticle: how many usage rows a user has in a window (triage's sufficiency check). */
  public static final String DATA_COVERAGE = "apex.data.coverage";

  /** Published run events; every ws-bridge node holds one consumer and fans out to its sockets. */
  public static final String RUN_EVENTS = "apex.run.events";

  /**
   * Published by data while it parses and stores an upload that named an {@code upload_ref}, with the
   * owner in the user-id header; every ws-bridge node hands the frame to that user's sockets.
   */
  public static final String UPLOAD_PROGRESS = "apex.usage.progress";

  /** Circuit-breaker state changes, published cluster-wide. */
  public static final String BREAKER_NOTIFICATIONS = "apex.breaker.notifications";

  /** Supervisor: a run's persisted trace (its events from PostgreSQL), for operators ({@code {run_id}}). */
  public static final String SUPERVISOR_TRACE = "apex.supervisor.trace";

  /**
   * Published to every node's tap: switch a tap session on ({@code session}, {@code patterns},
   * {@code sample_rate}, {@code duration_ms}) or off ({@code session}, {@code off: true}).
   */
  public static final String TAP_CONTROL = "apex.tap.control";
  /** Published by every node's tap: one mirrored message per event ({@code tap/tap-event.json}). */
  public static final String TAP_EVENTS = "apex.tap.events";

  /** Each node answers what it runs at {@code apex.node.info.<cluster node id>} ("local" off-cluster). */
  public static final String NODE_INFO_PREFIX = "apex.node.info.";

  /** Inspector: discovery records, cluster members, breakers, a health check of the mesh, and the tap switch. */
  public static final String INSPECTOR_SERVICES = "apex.inspector.services";
  public static final String INSPECTOR_NODES = "apex.inspector.nodes";
  public static final String INSPECTOR_BREAKERS = "apex.inspector.breakers";
  public static final String INSPECTOR_DOCTOR = "apex.inspector.doctor";
  public static final String INSPECTOR_TAP = "apex.inspector.tap";

  /**
   * The optional anomaly stage: any participant (a Node.js program through the bridge, by default
   * none) that answers a {@code StageRequest} carrying the data stage's result with
   * {@code stage/anomaly-result.json}. The supervisor asks it only when {@code stages.anomaly.enabled}.
   */
  public static final String STAGE_ANOMALY = "apex.stage.anomaly";
}
