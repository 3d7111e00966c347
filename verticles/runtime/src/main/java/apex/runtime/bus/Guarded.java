package apex.runtime.bus;

/**
 * A value from a guarded call. When the call failed and a fallback answered instead, {@code fallback}
 * names it and {@code reason} says why, so the caller can show the run as degraded.
 */
public record Guarded<T>(T value, String fallback, String reason) {
  public static <T> Guarded<T> ok(T value) {
    return new Guarded<>(value, null, null);
  }

  public boolean degraded() {
    return fallback != null;
  }
}
