package apex.node.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Heap use of another JVM, from the JDK's own tools: {@code jstat -gc} (survivors + eden + old, the
 * used columns) and {@code jcmd GC.run} for a figure after a full collection. A sampler keeps one
 * {@code jstat -gc <pid> 1000} running beside the load (one JVM, not one per sample) and keeps the
 * highest figure it printed.
 */
final class HeapGauge implements AutoCloseable {
  private static final List<String> USED_COLUMNS = List.of("S0U", "S1U", "EU", "OU");
  private final Process jstat;
  private final Thread reader;
  private volatile long peakBytes;

  private HeapGauge(long pid) throws IOException {
    jstat = new ProcessBuilder(tool("jstat"), "-gc", String.valueOf(pid), "1000").redirectErrorStream(true).start();
    reader = new Thread(this::read, "heap-gauge-" + pid);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts sampling {@code pid}'s heap once a second until {@link #close()}. */
  static HeapGauge sample(long pid) throws IOException {
    return new HeapGauge(pid);
  }

  /** The highest heap use seen so far, in bytes (0 before the first sample). */
  long peakBytes() {
    return peakBytes;
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      String header = lines.readLine();
      for (String line = lines.readLine(); header != null && line != null; line = lines.readLine()) {
        if (!line.startsWith(" S0C") && !line.isBlank()) {
          peakBytes = Math.max(peakBytes, used(header, line));
        }
      }
    } catch (IOException | RuntimeException e) {
      // jstat ended (the node stopped, or close()): the peak stays what was seen
    }
  }

  /** {@code pid}'s heap use right after a full collection ({@code jcmd GC.run}), in bytes. */
  static long afterFullGc(long pid) throws IOException, InterruptedException {
    run(tool("jcmd"), String.valueOf(pid), "GC.run");
    List<String> lines = run(tool("jstat"), "-gc", String.valueOf(pid)).lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new IOException("jstat -gc " + pid + " printed " + lines);
    }
    return used(lines.get(0), lines.get(1));
  }

  private static long used(String header, String line) {
    List<String> names = Arrays.asList(header.trim().split("\\s+"));
    String[] values = line.trim().split("\\s+");
    double kb = 0;
    for (String column : USED_COLUMNS) {
      kb += Double.parseDouble(values[names.indexOf(column)]);
    }
    return (long) (kb * 1024);
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  /** A JDK tool beside the running {@code java}. */
  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  @Override
  public void close() {
    jstat.destroy();
  }
}
