package apex.node.bench;

import apex.node.NodeProcess;
import apex.runtime.devservices.DevServices;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The measured Apex node JVMs, on loopback, against the harness's PostgreSQL and Redis: one node
 * with every verticle on the local bus, or three clustered over TCP-IP on 127.0.0.1 under a cluster
 * name of their own: the edge (auth, ws-bridge), the runs (supervisor, triage, report) and the data
 * (data, optimizer). Each runs with the launcher's default JVM options, as {@code apex up} does.
 */
final class BenchNodes implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final String UP_LINE = "Apex is up";

  /** One node: its name and what it runs. The first of a layout is the edge. */
  record Layout(String name, String verticles) {}

  static final List<Layout> ONE_NODE = List.of(new Layout("node", "all"));
  static final List<Layout> THREE_NODES = List.of(new Layout("edge", "auth,ws-bridge"),
      new Layout("runs", "supervisor,triage,report"), new Layout("data", "data,optimizer"));

  private final List<NodeProcess> processes = new ArrayList<>();
  private final int edgePort;

  private BenchNodes(int edgePort) {
    this.edgePort = edgePort;
  }

  /**
   * Starts {@code count} (1 or 3) nodes with {@code settings} ({@code --set path=value}) over the
   * test profile and waits until the edge's {@code /ready} answers 200; their logs go to {@code work}.
   */
  static BenchNodes start(int count, DevServices services, Map<String, String> settings, Path work)
      throws IOException, InterruptedException {
    List<Layout> layout = count == 1 ? ONE_NODE : THREE_NODES;
    BenchNodes nodes = new BenchNodes(NodeProcess.freePort());
    try {
      String clusterName = "apex-bench-" + UUID.randomUUID();
      List<Integer> clusterPorts = new ArrayList<>();
      for (int i = 0; i < layout.size(); i++) {
        clusterPorts.add(NodeProcess.freePort());
      }
      String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      for (int i = 0; i < layout.size(); i++) {
        Map<String, String> sets = new LinkedHashMap<>(settings);
        sets.put("pg.url", services.pgUrl());
        sets.put("redis.url", services.redisUrl());
        sets.put("http.port", String.valueOf(i == 0 ? nodes.edgePort : 0));
        sets.put("node.id", "bench-" + layout.get(i).name());
        // The inspector's default port (7001) may be another node's on this machine.
        sets.put("inspector.port", String.valueOf(NodeProcess.freePort()));
        List<String> args = new ArrayList<>(List.of("apex.node.ApexNode", "node", "--profile", "test",
            "--verticles", layout.get(i).verticles()));
        if (count > 1) {
          args.add("--cluster");
          sets.put("cluster.name", clusterName);
          sets.put("cluster.port", String.valueOf(clusterPorts.get(i)));
          sets.put("cluster.members", members);
        }
        sets.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        String name = layout.get(i).name();
        nodes.processes.add(NodeProcess.start(name, NodeProcess.javaCommand(args),
            work.resolve(name + ".log")));
      }
      for (NodeProcess node : nodes.processes) {
        URI ready = node == nodes.edge() ? URI.create("http://127.0.0.1:" + nodes.edgePort + "/ready") : null;
        node.awaitUp(UP_LINE, ready, START_TIMEOUT);
      }
      return nodes;
    } catch (IOException | InterruptedException | RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  int edgePort() {
    return edgePort;
  }

  NodeProcess edge() {
    return processes.get(0);
  }

  List<NodeProcess> processes() {
    return List.copyOf(processes);
  }

  /** Every node at once: SIGTERM, then a wait for each (SIGKILL after 15 s). */
  @Override
  public void close() {
    processes.parallelStream().forEach(NodeProcess::close);
  }
}
