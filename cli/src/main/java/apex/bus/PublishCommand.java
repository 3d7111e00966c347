package apex.bus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "publish", description = {"Publish a JSON body to an address (admin).",
    "The body is the argument, or stdin when it is absent or '-'."})
final class PublishCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "ADDRESS")
  String address;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = "The body (a JSON object).")
  String json;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    bus.publish(address, body(json));
    bus.confirm(READ_TIMEOUT_MS);
    terminal.out.println("published to " + address);
    terminal.out.flush();
    return 0;
  }
}
