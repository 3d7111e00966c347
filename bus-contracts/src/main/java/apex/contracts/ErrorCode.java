package apex.contracts;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Arrays;
import java.util.Locale;

/**
 * Error codes shared by bus replies, REST answers and {@code error} frames. The bus failure code is
 * stable and unique per code so a failed reply can be mapped back; the HTTP status is what the edge
 * answers with.
 */
public enum ErrorCode {
  BAD_REQUEST(4000, 400),
  INVALID_FRAME(4001, 400),
  UNKNOWN_TYPE(4002, 400),
  FRAME_TOO_LARGE(4003, 413),
  EMPTY_MESSAGE(4004, 400),
  VALIDATION_FAILED(4005, 422),
  UNAUTHORIZED(4010, 401),
  INVALID_CREDENTIALS(4011, 401),
  TOKEN_EXPIRED(4012, 401),
  TICKET_INVALID(4013, 401),
  TOKEN_REVOKED(4014, 401),
  /** A valid token without the role the action needs (the inspector bridge: operator or admin). */
  FORBIDDEN(4030, 403),
  NOT_FOUND(4040, 404),
  CONFLICT(4090, 409),
  PAYLOAD_TOO_LARGE(4130, 413),
  RATE_LIMITED(4290, 429),
  /** A node is at its bound of runs in progress: try again shortly (another node may take it). */
  BUSY(4291, 429),
  INTERNAL(5000, 500),
  UNAVAILABLE(5030, 503),
  STORAGE_UNAVAILABLE(5031, 503),
  TIMEOUT(5040, 504);

  private final int failureCode;
  private final int httpStatus;

  ErrorCode(int failureCode, int httpStatus) {
    this.failureCode = failureCode;
    this.httpStatus = httpStatus;
  }

  /** The wire name, e.g. {@code invalid_frame}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public int failureCode() {
    return failureCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** A business failure for a bus reply: {@code RECIPIENT_FAILURE}, so it never trips a breaker. */
  public ReplyException failure(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failureCode, message);
  }

  public static ErrorCode ofFailureCode(int failureCode) {
    return Arrays.stream(values()).filter(c -> c.failureCode == failureCode).findFirst().orElse(INTERNAL);
  }

  /** Maps any failure to the code a client should see. */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> ofFailureCode(reply.failureCode());
        case TIMEOUT -> TIMEOUT;
        case NO_HANDLERS -> UNAVAILABLE;
        default -> INTERNAL;
      };
    }
    return INTERNAL;
  }

  /**
   * True for a recipient's business answer (bad input, not found, conflict …): a 4xx code. A 5xx
   * answer (the recipient's own storage down, a crash) is a fault like a timeout.
   */
  public static boolean isBusinessFailure(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ofFailureCode(reply.failureCode()).httpStatus < 500;
  }
}
