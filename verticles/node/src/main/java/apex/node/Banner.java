package apex.node;

import apex.runtime.config.ApexConfig;

import java.util.List;

/** What a person needs once the node is up: where to go and how to log in. */
final class Banner {
  private Banner() {}

  static void print(NodeLauncher.RunningNode node, List<Role> roles) {
    ApexConfig c = node.config();
    StringBuilder out = new StringBuilder("\n  Apex is up");
    out.append(" (node ").append(c.nodeId(), 0, Math.min(8, c.nodeId().length())).append(", profile ").append(c.profile())
        .append(c.flag("cluster.enabled") ? ", clustered as " + c.string("cluster.name") : ", local bus").append(")\n");
    out.append("  verticles: ").append(roles.stream().map(r -> r.label).toList()).append('\n');
    if (node.httpPort() > 0) {
      out.append("  open:      http://").append(c.string("http.host")).append(':').append(node.httpPort()).append("/\n");
    }
    if (c.flag("demo.seed") && roles.contains(Role.AUTH)) {
      out.append("  login:     ").append(c.string("auth.demo_user.email")).append(" / ")
          .append(c.string("auth.demo_user.password")).append('\n');
    }
    if (roles.contains(Role.INSPECTOR)) {
      out.append("  inspect:   scripts/apex-bus --port ").append(c.integer("inspector.port"))
          .append(" login, then tail, services, breakers, doctor (bridge on ").append(c.string("inspector.host"))
          .append(':').append(c.integer("inspector.port")).append(")\n");
      if (c.flag("demo.seed") && !c.string("auth.ops_user.email").isBlank()) {
        out.append("  operator:  ").append(c.string("auth.ops_user.email")).append(" / ")
            .append(c.string("auth.ops_user.password")).append(" (admin, dev profile only)\n");
      }
    }
    out.append("  stop:      Ctrl-C\n");
    System.out.println(out);
  }
}
