package apex.data.ingest;

/** Reads yes/no columns ({@code batch}, {@code success}). */
final class Flags {

  private Flags() {}

  /** true for true/1/yes, false for false/0/no (case-insensitive), null for anything else. */
  static Boolean parse(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> Boolean.TRUE;
      case "false", "0", "no" -> Boolean.FALSE;
      default -> null;
    };
  }
}
