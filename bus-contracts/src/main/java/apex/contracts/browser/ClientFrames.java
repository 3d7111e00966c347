package apex.contracts.browser;

/** Client → server frames (ARCHITECTURE §4). The schema {@code browser/client-frame.json} is their contract. */
public final class ClientFrames {
  private ClientFrames() {}

  public static final String USER_MESSAGE = "user_message";
  public static final String STOP_AGENT = "stop_agent";
  public static final String RESUME = "resume";
  public static final String GET_THREAD_HISTORY = "get_thread_history";
  public static final String PING = "ping";

  public record UserMessage(String clientMsgId, String threadId, String text) implements Frame {
    @Override
    public String frameType() {
      return USER_MESSAGE;
    }
  }

  public record StopAgent(String runId) implements Frame {
    @Override
    public String frameType() {
      return STOP_AGENT;
    }
  }

  public record Resume(String runId, long afterSeq) implements Frame {
    @Override
    public String frameType() {
      return RESUME;
    }
  }

  public record GetThreadHistory(String threadId) implements Frame {
    @Override
    public String frameType() {
      return GET_THREAD_HISTORY;
    }
  }

  public record Ping() implements Frame {
    @Override
    public String frameType() {
      return PING;
    }
  }
}
