package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = {"Check the mesh for problems; exit 1 when one is found (operator).",
    "JWT-key drift between nodes, services with no live instance, stale discovery records, contract-version skew,",
    "open breakers, nodes not ready.",
    "Exit 0 when healthy, 1 when a problem is found."})
final class DoctorCommand extends BusCommand {
  @Option(names = "--json", description = "The checks as JSON.")
  boolean json;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    JsonObject report = bus.request(Addresses.INSPECTOR_DOCTOR, new JsonObject(), READ_TIMEOUT_MS);
    if (json) {
      terminal.json(report);
    } else {
      report.getJsonArray("checks").stream().map(JsonObject.class::cast).forEach(c -> terminal.out.println(
          (c.getBoolean("ok") ? terminal.paint(Terminal.GREEN, "ok     ") : terminal.paint(Terminal.RED, "PROBLEM"))
              + "  " + String.format("%-17s", c.getString("check")) + c.getString("detail")));
      terminal.out.println(report.getBoolean("healthy") ? "healthy" : "problems found");
    }
    terminal.out.flush();
    return report.getBoolean("healthy") ? 0 : ApexBus.EXIT_FAILURE;
  }
}
