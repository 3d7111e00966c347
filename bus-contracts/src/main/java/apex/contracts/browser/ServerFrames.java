package apex.contracts.browser;

/** Server → client frames besides run events and {@code run_accepted}. */
public final class ServerFrames {
  private ServerFrames() {}

  public static final int PROTOCOL_VERSION = 1;

  public record ConnectionReady(String connectionId, String userId, int protocolVersion) implements Frame {
    @Override
    public String frameType() {
      return "connection_ready";
    }
  }

  /**
   * {@code ref} names what the error answers: a client_msg_id, a run_id, or the offending frame
   * type; {@code retryAfterMs} comes with {@code rate_limited}.
   */
  public record ErrorFrame(String code, String message, String ref, Long retryAfterMs) implements Frame {
    public ErrorFrame(String code, String message, String ref) {
      this(code, message, ref, null);
    }

    @Override
    public String frameType() {
      return "error";
    }
  }

  public record Pong() implements Frame {
    @Override
    public String frameType() {
      return "pong";
    }
  }

  public record ThreadHistory(String threadId, String title, java.util.List<apex.contracts.run.ThreadMessage> messages)
      implements Frame {
    @Override
    public String frameType() {
      return "thread_history";
    }
  }

  /**
   * How far the server is with an upload the client named {@code uploadRef}: {@code parsing} (rows
   * read so far, percent of the bytes read), {@code storing} (rows written, percent of the rows
   * read), then one {@code done}. At most a few a second; null percent when the size is unknown.
   */
  public record UploadProgress(String uploadRef, String phase, long rows, Double percent) implements Frame {
    public static final String PARSING = "parsing";
    public static final String STORING = "storing";
    public static final String DONE = "done";

    @Override
    public String frameType() {
      return "upload_progress";
    }
  }
}
