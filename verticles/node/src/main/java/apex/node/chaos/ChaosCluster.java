package apex.node.chaos;

import apex.node.NodeProcess;
import apex.runtime.devservices.DevServices;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cluster under test: PostgreSQL and Redis started here (so they outlive every node and can be
 * stopped for real), and six {@code apex node} JVMs on loopback: two edges (auth + ws-bridge), two
 * supervisors and two stage nodes, joined over TCP-IP under a cluster name of their own. Only the
 * processes started here are ever signalled, and every one of them is stopped by {@link #close()}.
 */
final class ChaosCluster implements AutoCloseable {
  /** One node JVM: its name, what it runs, its ports and, while it lives, its process. */
  static final class Node {
    final String name;
    final String verticles;
    final int hazelcastPort;
    final int httpPort;
    final String nodeId;
    Process process;

    Node(String name, String verticles, int hazelcastPort, int httpPort, String nodeId) {
      this.name = name;
      this.verticles = verticles;
      this.hazelcastPort = hazelcastPort;
      this.httpPort = httpPort;
      this.nodeId = nodeId;
    }

    boolean isEdge() {
      return httpPort > 0;
    }

    boolean alive() {
      return process != null && process.isAlive();
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final String UP_LINE = "Apex is up";

  private final Path work;
  private final String clusterName = "apex-chaos-" + UUID.randomUUID();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path jar;
  private DevServices services;
  private int restarts;

  ChaosCluster(Path work) throws IOException {
    this.work = work;
    this.jar = Path.of(ChaosCluster.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    if (!jar.toString().endsWith(".jar")) {
      throw new IllegalStateException("the chaos harness starts nodes from the node jar; run it with java -jar "
          + "apex-node.jar (scripts/chaos), not from " + jar);
    }
    String tag = clusterName.substring(clusterName.length() - 6);
    add("edge-a", "auth,ws-bridge", true, tag);
    add("edge-b", "auth,ws-bridge", true, tag);
    add("supervisor-a", "supervisor", false, tag);
    add("supervisor-b", "supervisor", false, tag);
    add("stages-a", "triage,data,optimizer,report", false, tag);
    add("stages-b", "triage,data,optimizer,report", false, tag);
  }

  private void add(String name, String verticles, boolean edge, String tag) throws IOException {
    nodes.put(name, new Node(name, verticles, NodeProcess.freePort(), edge ? NodeProcess.freePort() : 0, "chaos-" + name + "-" + tag));
  }

  String clusterName() {
    return clusterName;
  }

  DevServices services() {
    return services;
  }

  List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  Node node(String name) {
    return nodes.get(name);
  }

  List<Integer> edgePorts() {
    return nodes.values().stream().filter(Node::isEdge).map(n -> n.httpPort).toList();
  }

  /** Starts PostgreSQL and Redis, then every node. */
  void start() throws IOException, InterruptedException {
    services = DevServices.startEphemeral();
    startNodes();
  }

  /** Starts every node at once and waits until each says it is up. */
  void startNodes() throws IOException, InterruptedException {
    for (Node node : nodes.values()) {
      launch(node);
    }
    for (Node node : nodes.values()) {
      awaitUp(node);
    }
  }

  /** SIGTERM to every node at once, then waits for each (SIGKILL after 15 s). */
  void stopNodes() throws InterruptedException {
    for (Node node : nodes.values()) {
      if (node.alive()) {
        node.process.destroy();
      }
    }
    for (Node node : nodes.values()) {
      stop(node);
    }
  }

  /** {@code kill -9}: the node gets no chance to hand anything over. */
  void kill(Node node) throws InterruptedException {
    node.process.destroyForcibly();
    node.process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** SIGTERM, as an operator's stop; SIGKILL if it has not exited within 15 s. */
  void stop(Node node) throws InterruptedException {
    if (!node.alive()) {
      return;
    }
    node.process.destroy();
    if (!node.process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      node.process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Starts a stopped node again with the same name, ports and id, and waits until it is up. */
  void restart(Node node) throws IOException, InterruptedException {
    launch(node);
    awaitUp(node);
  }

  /** The node JVM: this JVM's own flags (Hazelcast's --add-opens), the node jar, the shared services. */
  private void launch(Node node) throws IOException {
    if (node.process != null) {
      restarts++;
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-agentlib")).toList());
    command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
        "node", "--verticles", node.verticles, "--cluster", "--profile", "test"));
    String members = nodes.values().stream().map(n -> "127.0.0.1:" + n.hazelcastPort).collect(Collectors.joining(","));
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("node.id", node.nodeId);
    sets.put("cluster.name", clusterName);
    sets.put("cluster.port", String.valueOf(node.hazelcastPort));
    sets.put("cluster.members", members);
    sets.put("pg.url", services.pgUrl());
    sets.put("redis.url", services.redisUrl());
    sets.put("http.port", String.valueOf(node.httpPort));
    // Every simulated user signs up and logs in from 127.0.0.1: the per-IP buckets would refuse the
    // crowd (CONFIGURATION.md §3.5 says to raise them behind a proxy, which is what loopback is).
    sets.put("limits.login_ip_burst", "1000");
    sets.put("limits.login_ip_per_minute", "1000");
    sets.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
    Path log = log(node);
    node.process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Files.writeString(log, "=== chaos: started pid " + node.process.pid() + "\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  Path log(Node node) {
    return work.resolve(node.name + ".log");
  }

  /** Waits for the node's banner after its latest start, and for an edge also for {@code /ready}. */
  private void awaitUp(Node node) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String marker = "=== chaos: started pid " + node.process.pid();
    while (true) {
      String text = Files.readString(log(node));
      int from = text.lastIndexOf(marker);
      if (from >= 0 && text.indexOf(UP_LINE, from) > 0 && (!node.isEdge() || ready(node.httpPort))) {
        return;
      }
      if (!node.alive()) {
        throw new IllegalStateException(node.name + " exited with " + node.process.exitValue() + " while starting; see "
            + log(node));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(node.name + " not up within " + START_TIMEOUT.toSeconds() + " s; see " + log(node));
      }
      Thread.sleep(250);
    }
  }

  /** {@code GET /ready} on an edge: 200 once PostgreSQL, Redis and every service answer. */
  boolean ready(int port) {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
          .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Node starts after the first of each. */
  int restarts() {
    return restarts;
  }

  /** Every node still running is stopped (SIGTERM, then SIGKILL), then Redis and PostgreSQL. */
  @Override
  public void close() {
    try {
      stopNodes();
    } catch (InterruptedException e) {
      nodes.values().stream().filter(Node::alive).forEach(n -> n.process.destroyForcibly());
      Thread.currentThread().interrupt();
    }
    if (services != null) {
      services.close();
    }
  }
}
