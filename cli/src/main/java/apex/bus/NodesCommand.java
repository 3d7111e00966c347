package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.stream.Collectors;

@Command(name = "nodes", description = "Cluster members: their verticles and instances, uptime, readiness (operator).")
final class NodesCommand extends BusCommand {
  @Option(names = "--json", description = "The nodes as JSON.")
  boolean json;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    JsonArray nodes = bus.request(Addresses.INSPECTOR_NODES, new JsonObject(), READ_TIMEOUT_MS).getJsonArray("nodes");
    if (json) {
      terminal.json(nodes);
      return 0;
    }
    terminal.table(List.of("NODE", "CLUSTER ID", "VERTICLES", "UPTIME", "READY"),
        nodes.stream().map(JsonObject.class::cast).map(n -> n.getBoolean("answered", false)
            ? List.of(shortId(n.getString("node_id")), shortId(n.getString("cluster_node_id")),
                n.getJsonObject("verticles").stream().map(v -> v.getKey() + " ×" + v.getValue())
                    .collect(Collectors.joining(", ")),
                Terminal.duration(n.getLong("uptime_ms")),
                n.getBoolean("ready") ? terminal.paint(Terminal.GREEN, "ready") : terminal.paint(Terminal.RED, "not ready "
                    + n.getJsonObject("health").stream().filter(h -> !"UP".equals(h.getValue())).map(h -> h.getKey())
                    .toList()))
            : List.of("?", shortId(n.getString("cluster_node_id")), "", "",
                terminal.paint(Terminal.RED, "not answering"))).toList());
    return 0;
  }

  /** The first 8 characters of an id: enough to tell nodes apart in a table. */
  static String shortId(String id) {
    return id == null ? "-" : id.length() > 8 ? id.substring(0, 8) : id;
  }
}
