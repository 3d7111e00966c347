package apex.node;

import java.time.Duration;

/** A harness's bound (benches, chaos): past it the JVM exits with 1, and the bench's shutdown hook stops what it started. */
public final class Watchdog {
  private Watchdog() {}

  /** Starts the bound; interrupt the returned thread once the bench is done. */
  public static Thread start(String command, int maxMinutes) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(Duration.ofMinutes(maxMinutes).toMillis());
        System.err.println(command + ": not done within --max-minutes " + maxMinutes + "; stopping everything");
        System.exit(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, command + " watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    return watchdog;
  }
}
