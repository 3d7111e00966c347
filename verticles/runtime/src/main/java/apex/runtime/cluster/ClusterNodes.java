package apex.runtime.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;

/**
 * The event bus's own view of the cluster (Hazelcast membership): this node's id, and whether
 * another node is still a member. A node killed without warning leaves the member list within about
 * a second (its connections drop), long before a request it held would time out.
 */
public final class ClusterNodes {
  private ClusterNodes() {}

  /** This node's id in the cluster; empty on a local event bus. */
  public static String self(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? "" : manager.getNodeId();
  }

  /** Whether {@code nodeId} is a member now; always true on a local event bus. */
  public static boolean isMember(Vertx vertx, String nodeId) {
    ClusterManager manager = manager(vertx);
    return manager == null || manager.getNodes().contains(nodeId);
  }

  /** The cluster's members now; empty on a local event bus. */
  public static List<String> members(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    return manager == null ? List.of() : List.copyOf(manager.getNodes());
  }

  private static ClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }
}
