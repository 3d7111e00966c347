package apex.bus;

import apex.contracts.Addresses;
import apex.contracts.tap.AddressPattern;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "tail", description = {"Show the messages on the bus as they pass (operator).",
    "Switches the tap on on every node for the patterns, prints each mirrored message, switches it off on exit.",
    "Patterns are globs: '*' any characters, '?' one; e.g. 'apex.stage.*'. Default: everything."})
final class TailCommand extends BusCommand {
  @Parameters(arity = "0..*", paramLabel = "PATTERN", description = "Address globs (default '*').")
  List<String> patterns = new ArrayList<>();

  @Option(names = "--run", paramLabel = "ID", description = "Only messages of this run (header apex-run-id, run_id, run.run_id).")
  String runId;

  @Option(names = "--headers", description = "Show each message's headers.")
  boolean headers;

  @Option(names = {"-t", "--timestamps"}, description = "Show when each message passed.")
  boolean timestamps;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N messages.")
  Integer count;

  @Option(names = "--json", description = "One JSON envelope per line: node_id, ts, address, kind, headers, body.")
  boolean json;

  @Option(names = "--raw", description = "Only each message's body, one per line.")
  boolean raw;

  @Option(names = "--sample", defaultValue = "1.0", description = "Share of matching messages to mirror, 0 < s ≤ 1 (default 1).")
  double sampleRate;

  @Option(names = "--duration", defaultValue = "300", description = "Seconds the tap stays on at most (default 300).")
  long durationSeconds;

  @Override
  int run(BridgeClient bus, Terminal terminal) throws InterruptedException {
    if (json && raw) {
      throw new BusException("usage", "--json and --raw exclude each other");
    }
    if (count != null && count < 1) {
      throw new BusException("usage", "--count must be at least 1");
    }
    List<AddressPattern> globs;
    try {
      globs = (patterns.isEmpty() ? List.of("*") : patterns).stream().map(AddressPattern::of).toList();
    } catch (IllegalArgumentException e) {
      throw new BusException("usage", e.getMessage());
    }
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger shown = new AtomicInteger();
    bus.register(Addresses.TAP_EVENTS, frame -> {
      JsonObject envelope = frame.getJsonObject("body");
      if (envelope == null || done.getCount() == 0 || !wanted(envelope, globs)) {
        return;
      }
      print(envelope, terminal);
      if (count != null && shown.incrementAndGet() >= count) {
        done.countDown();
      }
    });
    bus.confirm(READ_TIMEOUT_MS);
    JsonObject session = bus.request(Addresses.INSPECTOR_TAP, new JsonObject()
        .put("patterns", new JsonArray(patterns.isEmpty() ? List.of("*") : patterns))
        .put("sample_rate", sampleRate).put("duration_ms", durationSeconds * 1000), READ_TIMEOUT_MS);
    String id = session.getString("session");
    Thread off = new Thread(() -> switchOff(bus, id), "apex-bus-tap-off");
    Runtime.getRuntime().addShutdownHook(off);
    if (!json && !raw) {
      terminal.out.println(terminal.paint(Terminal.DIM, "tapping " + session.getJsonArray("patterns").encode()
          + (runId == null ? "" : " for run " + runId) + " for up to " + durationSeconds + " s; Ctrl-C to stop"));
      terminal.out.flush();
    }
    while (!done.await(500, TimeUnit.MILLISECONDS)) {
      if (!bus.isOpen()) {
        throw new BusException("unavailable", "the bridge closed the connection");
      }
    }
    Runtime.getRuntime().removeShutdownHook(off);
    switchOff(bus, id);
    return 0;
  }

  private static void switchOff(BridgeClient bus, String session) {
    if (bus.isOpen()) {
      bus.request(Addresses.INSPECTOR_TAP, new JsonObject().put("session", session).put("off", true), READ_TIMEOUT_MS);
    }
  }

  private boolean wanted(JsonObject envelope, List<AddressPattern> globs) {
    if (!AddressPattern.anyMatches(globs, envelope.getString("address"))) {
      return false;
    }
    if (runId == null) {
      return true;
    }
    JsonObject h = envelope.getJsonObject("headers", new JsonObject());
    Object body = envelope.getValue("body");
    JsonObject b = body instanceof JsonObject o ? o : new JsonObject();
    JsonObject run = b.getValue("run") instanceof JsonObject r ? r : new JsonObject();
    return runId.equals(h.getString("apex-run-id")) || runId.equals(b.getValue("run_id"))
        || runId.equals(run.getValue("run_id"));
  }

  private void print(JsonObject envelope, Terminal terminal) {
    synchronized (terminal) {
      if (json) {
        terminal.out.println(envelope.encode());
      } else if (raw) {
        Object body = envelope.getValue("body");
        terminal.out.println(body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode() : String.valueOf(body));
      } else {
        StringBuilder line = new StringBuilder();
        if (timestamps) {
          line.append(terminal.paint(Terminal.DIM, envelope.getString("ts"))).append(' ');
        }
        String kind = envelope.getString("kind");
        line.append(terminal.paint(Terminal.DIM, NodesCommand.shortId(envelope.getString("node_id")))).append(' ')
            .append(terminal.paint(kind.equals("failure") ? Terminal.RED : kind.equals("reply") ? Terminal.GREEN : Terminal.CYAN,
                String.format("%-7s", kind)))
            .append(' ').append(envelope.getString("address")).append(' ')
            .append(TraceCommand.compact(envelope.getValue("body")));
        if (headers) {
          line.append(' ').append(terminal.paint(Terminal.DIM, envelope.getJsonObject("headers").encode()));
        }
        terminal.out.println(line);
      }
      terminal.out.flush();
    }
  }
}
