package apex.node.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's 1-minute load average from {@code /proc/loadavg}: the benches share two cores with other work. */
final class LoadAverage {
  private LoadAverage() {}

  static double now() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
