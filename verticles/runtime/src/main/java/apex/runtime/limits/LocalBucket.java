package apex.runtime.limits;

/** A token bucket for one owner on one event loop (a socket's frames): no Redis round trip. */
public final class LocalBucket {
  private final double capacity;
  private final double perMs;
  private double tokens;
  private long last;

  public LocalBucket(int burst, int perSecond) {
    this.capacity = burst;
    this.perMs = perSecond / 1000.0;
    this.tokens = burst;
    this.last = System.currentTimeMillis();
  }

  /** Takes a token; answers 0 when allowed, else the milliseconds until one is available. */
  public long take() {
    long now = System.currentTimeMillis();
    tokens = Math.min(capacity, tokens + (now - last) * perMs);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) / perMs);
  }
}
