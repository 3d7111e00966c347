package apex.runtime.tap;

import apex.contracts.tap.AddressPattern;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One operator's tap: which addresses to mirror, what share of their messages, until when. Read from
 * the control message on {@code apex.tap.control}; a bad one is refused with a message naming the
 * field.
 */
public record TapSession(String id, List<AddressPattern> patterns, double sampleRate, long durationMs) {
  public static final long MAX_DURATION_MS = 3_600_000;
  public static final long DEFAULT_DURATION_MS = 300_000;
  public static final int MAX_PATTERNS = 16;

  /** {@code {session, patterns?, sample_rate?, duration_ms?}}; patterns default to everything ({@code *}). */
  public static TapSession parse(JsonObject control) {
    String id = control.getValue("session") instanceof String s ? s : null;
    if (id == null || id.isBlank() || id.length() > 100) {
      throw new IllegalArgumentException("session: a session id (1 to 100 characters) is required");
    }
    Object rawPatterns = control.getValue("patterns", new JsonArray().add("*"));
    if (!(rawPatterns instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException("patterns: a list of 1 to " + MAX_PATTERNS + " address globs is required");
    }
    List<AddressPattern> patterns = new ArrayList<>();
    for (Object p : list) {
      patterns.add(AddressPattern.of(p instanceof String s ? s : null));
    }
    double rate = number(control, "sample_rate", 1.0);
    if (rate <= 0 || rate > 1) {
      throw new IllegalArgumentException("sample_rate: must be greater than 0 and at most 1, got " + rate);
    }
    double duration = number(control, "duration_ms", DEFAULT_DURATION_MS);
    if (duration < 1 || duration > MAX_DURATION_MS) {
      throw new IllegalArgumentException("duration_ms: must be between 1 and " + MAX_DURATION_MS + ", got " + (long) duration);
    }
    return new TapSession(id, List.copyOf(patterns), rate, (long) duration);
  }

  private static double number(JsonObject control, String field, double fallback) {
    Object value = control.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(field + ": must be a number");
    }
    return n.doubleValue();
  }

  public JsonObject toJson() {
    return new JsonObject().put("session", id)
        .put("patterns", new JsonArray(patterns.stream().map(AddressPattern::toString).toList()))
        .put("sample_rate", sampleRate).put("duration_ms", durationMs);
  }
}
