package apex.data.ingest;

import java.util.Locale;

/** How an upload is laid out, decided from its content type, then its file name, then its first character. */
enum UploadFormat {
  CSV("csv"), JSON("json"), NDJSON("ndjson");

  final String id;

  UploadFormat(String id) {
    this.id = id;
  }

  /**
   * The declared type or extension chooses between CSV and JSON; for JSON the content then chooses
   * between an array ({@code [}) and one object per line ({@code {}), because JSON Lines files are
   * often named {@code .json} and browsers send {@code application/json} for them.
   */
  static UploadFormat detect(String contentType, String filename, char first) {
    UploadFormat declared = fromContentType(contentType);
    if (declared == null) {
      declared = fromFilename(filename);
    }
    if (declared == CSV) {
      return CSV;
    }
    if (first == '[') {
      return JSON;
    }
    if (first == '{') {
      return NDJSON;
    }
    return declared == null ? CSV : declared;
  }

  private static UploadFormat fromContentType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    return switch (mime) {
      case "text/csv" -> CSV;
      case "application/json" -> JSON;
      case "application/x-ndjson", "application/jsonl", "application/ndjson" -> NDJSON;
      default -> null;
    };
  }

  private static UploadFormat fromFilename(String filename) {
    if (filename == null) {
      return null;
    }
    String name = filename.toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".json")) {
      return JSON;
    }
    return name.endsWith(".ndjson") || name.endsWith(".jsonl") ? NDJSON : null;
  }
}
