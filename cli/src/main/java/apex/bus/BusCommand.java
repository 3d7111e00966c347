package apex.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** A subcommand that talks to the bridge: connects with the global options, runs, closes. */
abstract class BusCommand implements Callable<Integer> {
  static final long READ_TIMEOUT_MS = 10_000;

  @ParentCommand
  ApexBus root;

  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() throws Exception {
    try (BridgeClient bus = root.connect()) {
      return run(bus, root.terminal(out()));
    }
  }

  abstract int run(BridgeClient bus, Terminal terminal) throws Exception;

  /** A JSON object from the argument, or from stdin when the argument is absent or {@code -}. */
  JsonObject body(String argument) {
    String text = argument;
    if (text == null || text.equals("-")) {
      try {
        text = new String(root.stdin.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new BusException("usage", "cannot read the body from stdin: " + e.getMessage());
      }
    }
    if (text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new BusException("usage", "the body is not a JSON object: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
