package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

@Command(name = "breakers", description = "Every circuit breaker's state, failures and last change; live with --watch (operator).")
final class BreakersCommand extends BusCommand {
  @Option(names = "--json", description = "The breakers as JSON.")
  boolean json;

  @Option(names = "--watch", description = "Refresh until Ctrl-C.")
  boolean watch;

  @Option(names = "--interval", defaultValue = "2", description = "Seconds between refreshes with --watch (default 2).")
  int intervalSeconds;

  @Option(names = "--count", description = "With --watch: stop after N refreshes.")
  Integer count;

  @Override
  int run(BridgeClient bus, Terminal terminal) throws InterruptedException {
    if (intervalSeconds < 1) {
      throw new BusException("usage", "--interval must be at least 1 second");
    }
    int rounds = 0;
    do {
      JsonArray breakers = bus.request(Addresses.INSPECTOR_BREAKERS, new JsonObject(), READ_TIMEOUT_MS).getJsonArray("breakers");
      if (watch) {
        terminal.out.println(terminal.paint(Terminal.DIM, "— " + LocalTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME)
            .substring(0, 8) + " —"));
      }
      print(breakers, terminal);
      rounds++;
      if (watch && (count == null || rounds < count)) {
        Thread.sleep(intervalSeconds * 1000L);
      }
    } while (watch && (count == null || rounds < count));
    return 0;
  }

  private void print(JsonArray breakers, Terminal terminal) {
    if (json) {
      terminal.out.println(breakers.encode());
      terminal.out.flush();
      return;
    }
    if (breakers.isEmpty()) {
      terminal.out.println("no breakers yet (a breaker appears with its first call)");
      terminal.out.flush();
      return;
    }
    terminal.table(List.of("NAME", "NODE", "STATE", "FAILURES", "CALLS", "ERRORS", "LAST CHANGE"),
        breakers.stream().map(JsonObject.class::cast).map(b -> List.of(
            b.getString("name"), NodesCommand.shortId(b.getString("cluster_node_id")),
            state(b, terminal), String.valueOf(b.getValue("failures")), String.valueOf(b.getValue("calls")),
            String.valueOf(b.getValue("errors")),
            b.getString("last_change") == null ? "-" : b.getString("last_change"))).toList());
  }

  private static String state(JsonObject b, Terminal terminal) {
    String state = b.getString("state");
    if (b.getBoolean("stale")) {
      return terminal.paint(Terminal.DIM, state + " (stale: node silent)");
    }
    return switch (state) {
      case "CLOSED" -> terminal.paint(Terminal.GREEN, state);
      case "OPEN" -> terminal.paint(Terminal.RED, state);
      default -> terminal.paint(Terminal.YELLOW, state);
    };
  }
}
