package apex.bus;

import apex.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;

@Command(name = "trace", description = {"A run's timeline from its persisted events (operator).",
    "Each stage, each tool call, durations, degraded reasons and the final status."})
final class TraceCommand extends BusCommand {
  @Parameters(index = "0", paramLabel = "RUN_ID")
  String runId;

  @Option(names = "--json", description = "The run and its events as JSON.")
  boolean json;

  @Override
  int run(BridgeClient bus, Terminal terminal) {
    JsonObject trace = bus.request(Addresses.SUPERVISOR_TRACE, new JsonObject().put("run_id", runId), READ_TIMEOUT_MS);
    if (json) {
      terminal.json(trace);
      return 0;
    }
    JsonObject run = trace.getJsonObject("run");
    JsonArray events = trace.getJsonArray("events");
    terminal.out.println("run " + run.getString("run_id") + "  " + status(run, terminal)
        + (run.getValue("duration_ms") == null ? "" : "  " + Terminal.duration(run.getLong("duration_ms")))
        + "  created " + run.getString("created_at")
        + (run.getInteger("adoptions", 0) > 0 ? "  adopted " + run.getInteger("adoptions") + "×" : ""));
    terminal.out.println(terminal.paint(Terminal.DIM, switch (trace.getString("source", "none")) {
      case "trace" -> "events: the persisted trace (" + events.size() + ")";
      case "log" -> "events: the live log, no trace persisted yet (" + events.size() + ")";
      default -> "no events: neither a trace nor a log is kept for this run";
    }));
    Instant start = events.isEmpty() ? null : Instant.parse(events.getJsonObject(0).getString("ts"));
    for (Object e : events) {
      JsonObject event = (JsonObject) e;
      long offset = Duration.between(start, Instant.parse(event.getString("ts"))).toMillis();
      terminal.out.println(String.format("%8s  %3d  %-10s ", "+" + offset + "ms", event.getLong("seq"),
          event.getString("agent")) + describe(event, terminal));
    }
    if (run.getString("error_code") != null) {
      terminal.out.println(terminal.paint(Terminal.RED, "failed: " + run.getString("error_code") + ": "
          + run.getString("error_message")));
    }
    terminal.out.flush();
    return 0;
  }

  private static String status(JsonObject run, Terminal terminal) {
    String status = run.getString("status");
    String text = status + (Boolean.TRUE.equals(run.getBoolean("degraded")) ? " (degraded)" : "");
    return switch (status) {
      case "completed" -> terminal.paint(Boolean.TRUE.equals(run.getBoolean("degraded")) ? Terminal.YELLOW : Terminal.GREEN, text);
      case "running" -> terminal.paint(Terminal.CYAN, text);
      default -> terminal.paint(Terminal.RED, text);
    };
  }

  private static String describe(JsonObject e, Terminal terminal) {
    return switch (e.getString("type")) {
      case "agent_started" -> "started" + (e.getJsonArray("plan") == null ? ""
          : ", plan " + String.join(" → ", e.getJsonArray("plan").stream().map(String::valueOf).toList()));
      case "agent_thinking" -> terminal.paint(Terminal.DIM, e.getString("reasoning", ""));
      case "tool_executing" -> "tool " + e.getString("tool") + " " + compact(e.getValue("parameters"));
      case "tool_completed" -> "tool " + e.getString("tool") + " done in " + e.getValue("duration_ms") + " ms → "
          + compact(e.getValue("result"));
      case "agent_completed" -> completed(e, terminal);
      case "run_completed" -> (Boolean.TRUE.equals(e.getBoolean("degraded"))
          ? terminal.paint(Terminal.YELLOW, "run completed, degraded: " + compact(e.getValue("degraded_reasons")))
          : terminal.paint(Terminal.GREEN, "run completed"));
      case "run_failed" -> terminal.paint(Terminal.RED, "run failed: " + e.getString("code") + ": " + e.getString("message"));
      default -> e.getString("type");
    };
  }

  private static String completed(JsonObject e, Terminal terminal) {
    String status = e.getString("status");
    String text = status + " in " + e.getValue("duration_ms") + " ms";
    if ("degraded".equals(status)) {
      return terminal.paint(Terminal.YELLOW, text + ": " + e.getString("reason") + " — used " + e.getString("fallback"));
    }
    if ("skipped".equals(status)) {
      return terminal.paint(Terminal.DIM, text + ": " + e.getString("reason"));
    }
    return terminal.paint(Terminal.GREEN, text);
  }

  /** A JSON value on one line, cut at 120 characters. */
  static String compact(Object value) {
    String text = value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : String.valueOf(value);
    return text.length() > 120 ? text.substring(0, 117) + "…" : text;
  }
}
