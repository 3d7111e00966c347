package apex.node;

import apex.auth.AuthVerticle;
import apex.bridge.WsBridgeVerticle;
import apex.data.DataVerticle;
import apex.inspector.InspectorVerticle;
import apex.optimizer.OptimizerVerticle;
import apex.report.ReportVerticle;
import apex.runtime.ApexVerticle;
import apex.supervisor.SupervisorVerticle;
import apex.triage.TriageVerticle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The verticles a node can run, in the order a node deploys them (the edge last, once the mesh is up). */
public enum Role {
  AUTH("auth", AuthVerticle::new),
  SUPERVISOR("supervisor", SupervisorVerticle::new),
  TRIAGE("triage", TriageVerticle::new),
  DATA("data", DataVerticle::new),
  OPTIMIZER("optimizer", OptimizerVerticle::new),
  REPORT("report", ReportVerticle::new),
  INSPECTOR("inspector", InspectorVerticle::new),
  WS_BRIDGE("ws-bridge", WsBridgeVerticle::new);

  final String label;
  final Supplier<ApexVerticle> factory;

  Role(String label, Supplier<ApexVerticle> factory) {
    this.label = label;
    this.factory = factory;
  }

  public static List<Role> all() {
    return List.of(values());
  }

  /** "triage,data" → [TRIAGE, DATA] in deployment order; "all" → every role. */
  static List<Role> parse(String list) {
    if (list == null || list.isBlank() || list.trim().equals("all")) {
      return all();
    }
    List<String> names = Arrays.stream(list.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty()).toList();
    List<String> unknown = names.stream().filter(n -> Arrays.stream(values()).noneMatch(r -> r.label.equals(n))).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown verticle(s) " + unknown + "; known: "
          + Arrays.stream(values()).map(r -> r.label).toList() + " or all");
    }
    return Arrays.stream(values()).filter(r -> names.contains(r.label)).toList();
  }

  /** Auth, the supervisor and data own tables; every stage emits events through Redis. */
  boolean needsPostgres() {
    return this == AUTH || this == SUPERVISOR || this == DATA;
  }
}
