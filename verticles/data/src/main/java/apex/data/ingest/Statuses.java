package apex.data.ingest;

/**
 * Maps the status columns of exports onto {@code ok}, {@code error}, {@code timeout}, {@code rate_limited}.
 * How a value is read depends on the column: Langfuse's {@code level}, a {@code success} flag, or a
 * status that is a word or an HTTP code.
 */
final class Statuses {

  static final String OK = "ok";
  static final String ERROR = "error";
  static final String TIMEOUT = "timeout";
  static final String RATE_LIMITED = "rate_limited";

  private Statuses() {}

  /** The status, or null when the value means none of them. {@code alias} is the normalised column name. */
  static String parse(String value, String alias) {
    String word = Field.normalise(value);
    return switch (alias) {
      case "level" -> level(word);
      case "success" -> {
        Boolean success = Flags.parse(word);
        yield success == null ? null : success ? OK : ERROR;
      }
      default -> isDigits(word) ? http(Integer.parseInt(word)) : word(word);
    };
  }

  /** Langfuse levels: DEBUG, DEFAULT, WARNING, ERROR. A warning is a completed call. */
  private static String level(String word) {
    return switch (word) {
      case "error" -> ERROR;
      case "debug", "default", "warning", "info" -> OK;
      default -> null;
    };
  }

  private static String http(int code) {
    if (code >= 200 && code <= 299) {
      return OK;
    }
    if (code == 429) {
      return RATE_LIMITED;
    }
    if (code == 408 || code == 504) {
      return TIMEOUT;
    }
    return code >= 400 && code <= 599 ? ERROR : null;
  }

  private static String word(String word) {
    return switch (word) {
      case "ok", "success", "succeeded" -> OK;
      case "error", "failed", "failure" -> ERROR;
      case "timeout", "timedout" -> TIMEOUT;
      case "ratelimited" -> RATE_LIMITED;
      default -> null;
    };
  }

  private static boolean isDigits(String word) {
    if (word.isEmpty() || word.length() > 3) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (word.charAt(i) < '0' || word.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
