package apex.node;

import apex.runtime.config.ApexConfig;
import io.vertx.core.Future;

/**
 * The run benchmark's way to a node with every verticle: {@link Role} stays package-private, and
 * the benchmark (package {@code apex.node.bench}) needs no more than this.
 */
public final class RunBenchNode {
  private RunBenchNode() {}

  /** One instance of every verticle on a local bus, against the databases {@code config} names. */
  public static Future<NodeLauncher.RunningNode> startAll(ApexConfig config) {
    return NodeLauncher.start(config, Role.all(), 1);
  }
}
