package apex.contracts.usage;

/**
 * How ws-bridge streams an upload to the data instance that opened its session. The reply to
 * {@code apex.data.ingest} carries {@link #ADDRESS}, a point-to-point address of that one instance.
 * ws-bridge then sends, in order and one at a time, {@link #DATA} messages whose body is a buffer of
 * at most {@link #CHUNK_BYTES} of the file (each answered once data has taken it, which paces the
 * sender), and one {@link #END} message answered with the {@link IngestResult}; or {@link #ABORT},
 * after which nothing is stored. A session that hears nothing for {@link #IDLE_MS} aborts itself.
 */
public final class UploadSession {
  private UploadSession() {}

  /** Reply field of {@code apex.data.ingest}: where to send the chunks. */
  public static final String ADDRESS = "session";
  /** Header naming the step of a message sent to a session. */
  public static final String STEP = "apex-upload-step";
  public static final String DATA = "data";
  public static final String END = "end";
  public static final String ABORT = "abort";

  public static final int CHUNK_BYTES = 1024 * 1024;
  public static final long IDLE_MS = 60_000;
}
