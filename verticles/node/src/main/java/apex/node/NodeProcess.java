package apex.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A JVM this harness starts as a child process (a measured node, an echo server): its own CPU
 * accounting and its own RSS, read from {@code /proc/<pid>/status}. It runs this JVM's classes (the
 * node jar, or the test classpath) with this JVM's module flags (Hazelcast's {@code --add-opens}),
 * its output in a log file. Only the process started here is ever signalled.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path log;
  /** The log's length when this process started. */
  private final long logStart;
  private final Process process;

  private NodeProcess(String name, Path log, long logStart, Process process) {
    this.name = name;
    this.log = log;
    this.logStart = logStart;
    this.process = process;
  }

  /**
   * {@code java} with this JVM's flags except its heap size and agents (the child keeps the JVM's
   * defaults), this JVM's classpath, then {@code mainClassAndArgs}.
   */
  public static List<String> javaCommand(List<String> mainClassAndArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(mainClassAndArgs);
    return command;
  }

  /** Starts {@code command}, its output appended to {@code log}. */
  public static NodeProcess start(String name, List<String> command, Path log) throws IOException {
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new NodeProcess(name, log, logStart, process);
  }

  /** Waits until the log holds {@code line} and, when {@code readyUrl} is given, it answers 200. */
  public void awaitUp(String line, URI readyUrl, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(written().contains(line) && (readyUrl == null || answers200(readyUrl)))) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; the end of "
            + log + ":\n" + tail(10));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not up within " + timeout.toSeconds() + " s; see " + log);
      }
      Thread.sleep(200);
    }
  }

  /**
   * What this process wrote to its log: a log kept from an earlier run in the same directory
   * (appended to) already holds that run's up line.
   */
  private String written() throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart),
        StandardCharsets.UTF_8);
  }

  /** The last {@code lines} lines of the log. */
  private String tail(int lines) throws IOException {
    List<String> all = Files.readAllLines(log);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static boolean answers200(URI url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** Resident set size now ({@code VmRSS}), in bytes. */
  public long rssBytes() throws IOException {
    return procStatus("VmRSS:");
  }

  /** The highest resident set size the process has had ({@code VmHWM}), in bytes. */
  public long peakRssBytes() throws IOException {
    return procStatus("VmHWM:");
  }

  /**
   * CPU time the process has used so far, user and system, in seconds: fields 14 and 15 of
   * {@code /proc/<pid>/stat}, in clock ticks of 1/100 s (Linux's USER_HZ).
   */
  public double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
    // The command name (field 2) may hold spaces; the fields after it start past its ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private long procStatus(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid() + "/status");
  }

  /** SIGTERM, and SIGKILL when it has not exited within 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A free port below Linux's ephemeral range (32768–60999): a node keeps its ports across restarts,
   * and a port from that range may meanwhile be taken by an outgoing connection of another process.
   */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000 on 127.0.0.1");
  }
}
