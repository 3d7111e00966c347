package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "services", description = "Discovery records: who serves what, where, which version (operator).")
final class ServicesCommand extends BusCommand {
  @Option(names = "--json", description = "The records as JSON.")
  boolean json;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    JsonArray services = bus.request(Addresses.INSPECTOR_SERVICES, new JsonObject(), READ_TIMEOUT_MS).getJsonArray("services");
    if (json) {
      terminal.json(services);
      return 0;
    }
    terminal.table(List.of("NAME", "ADDRESS", "VERSION", "CONTRACT", "NODE", "INSTANCES", "STATE"),
        services.stream().map(JsonObject.class::cast).map(s -> List.of(
            s.getString("name"), s.getString("address"), s.getString("version"), s.getString("contract_version"),
            NodesCommand.shortId(s.getString("node_id")), String.valueOf(s.getInteger("instances")),
            (s.getBoolean("live") ? terminal.paint(Terminal.GREEN, "live") : terminal.paint(Terminal.RED, "stale (node gone)"))
                + (s.getBoolean("external", false) ? " external" : ""))).toList());
    return 0;
  }
}
