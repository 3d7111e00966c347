package apex.bus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "request", description = {"Send a JSON body to an address and print the reply (admin).",
    "The body is the argument, or stdin when it is absent or '-'."})
final class RequestCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "ADDRESS", description = "e.g. apex.stage.triage")
  String address;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = "The body (a JSON object).")
  String json;

  @Option(names = "--timeout", defaultValue = "10000", description = "Milliseconds to wait for the reply (default 10000).")
  long timeoutMs;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    if (timeoutMs < 1) {
      throw new BusException("usage", "--timeout must be at least 1 ms");
    }
    terminal.json(bus.request(address, body(json), timeoutMs));
    return 0;
  }
}
