package apex.contracts.run;

import java.util.List;
import java.util.Locale;

/** The agents a run shows, in pipeline order after the supervisor. */
public enum Agent {
  SUPERVISOR, TRIAGE, DATA, OPTIMIZER, REPORT;

  public static final List<Agent> STAGES = List.of(TRIAGE, DATA, OPTIMIZER, REPORT);

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
