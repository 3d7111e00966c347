package apex.node.bench;

import java.time.Duration;

/** A benchmark's bound: past it the JVM exits with 1, and the bench's shutdown hook stops what it started. */
final class BenchWatchdog {
  private BenchWatchdog() {}

  /** Starts the bound; interrupt the returned thread once the bench is done. */
  static Thread start(String command, int maxMinutes) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(Duration.ofMinutes(maxMinutes).toMillis());
        System.err.println(command + ": not done within --max-minutes " + maxMinutes + "; stopping everything");
        System.exit(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "apex-bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    return watchdog;
  }
}
