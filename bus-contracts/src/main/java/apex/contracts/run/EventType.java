package apex.contracts.run;

import java.util.Arrays;
import java.util.Locale;

/** Run event types of the browser protocol (ARCHITECTURE §4). */
public enum EventType {
  AGENT_STARTED, AGENT_THINKING, TOOL_EXECUTING, TOOL_COMPLETED, AGENT_COMPLETED, RUN_COMPLETED, RUN_FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean terminal() {
    return this == RUN_COMPLETED || this == RUN_FAILED;
  }

  public static EventType ofWire(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown run event type: " + wire));
  }
}
