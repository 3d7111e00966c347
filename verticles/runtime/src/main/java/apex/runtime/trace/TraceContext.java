package apex.runtime.trace;

import org.slf4j.MDC;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent: 00-<trace id>-<parent id>-01}) for a run. The trace id is
 * the run id's 32 hex digits, so every hop of a run, on any node and after a hand-over, shares one
 * trace id that can be found from the run id alone; each stage request gets a fresh parent id.
 */
public record TraceContext(String traceId, String parentId) {
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

  /** The run's context; a run id that is not a UUID is hashed into a trace id. */
  public static TraceContext forRun(String runId) {
    String hex = runId.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    String traceId = hex.matches("[0-9a-f]{32}") ? hex
        : java.util.UUID.nameUUIDFromBytes(runId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().replace("-", "");
    return new TraceContext(traceId, spanId());
  }

  /** The context a {@code traceparent} header carries, or null for a missing or malformed one. */
  public static TraceContext parse(String header) {
    if (header == null) {
      return null;
    }
    var m = TRACEPARENT.matcher(header.trim());
    return m.matches() ? new TraceContext(m.group(1), m.group(2)) : null;
  }

  /** The same trace, a new hop. */
  public TraceContext child() {
    return new TraceContext(traceId, spanId());
  }

  public String header() {
    return "00-" + traceId + "-" + parentId + "-01";
  }

  /** Runs {@code work} with the run's ids in the log context ({@code run_id}, {@code user_id}, {@code trace_id}). */
  public static <T> T logged(String runId, String userId, TraceContext trace, java.util.function.Supplier<T> work) {
    MDC.put("run_id", runId);
    MDC.put("user_id", userId);
    MDC.put("trace_id", trace == null ? "" : trace.traceId());
    try {
      return work.get();
    } finally {
      MDC.remove("run_id");
      MDC.remove("user_id");
      MDC.remove("trace_id");
    }
  }

  private static String spanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return String.format("%016x", id);
  }
}
