package apex.bus;

/** A failure to tell the user in one line: what went wrong and, where it helps, what to do. Exit code 1. */
final class BusException extends RuntimeException {
  private final String code;

  BusException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The bridge's or the mesh's error code ({@code unauthorized}, {@code forbidden}, {@code timeout} …). */
  String code() {
    return code;
  }
}
