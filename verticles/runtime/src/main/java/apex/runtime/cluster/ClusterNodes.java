package apex.runtime.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The event bus's own view of the cluster (Hazelcast membership): this node's id, and whether
 * another node is still a member. A node killed without warning leaves the member list within about
 * a second (its connections drop), long before a request it held would time out.
 *
 * <p>Departures can be waited for ({@link #onDeparture}): a request sent while a node was a member
 * may have gone to it, and Vert.x drops a message whose node cannot be reached without failing its
 * request, which then waits out its whole timeout. The member list is read every
 * {@value #DEPARTURE_POLL_MS} ms; it changes only after Vert.x has removed the node's registrations.
 */
public final class ClusterNodes {
  static final long DEPARTURE_POLL_MS = 200;
  /** How long after a departure sends wait for the departed node's registrations to be gone, and at most how long. */
  private static final long SETTLE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long SETTLE_MAX_MS = 3_000;
  private static final long SETTLE_POLL_MS = 50;
  /** After the cluster's map is clean, how long each node's cache of it is given (it lags under load). */
  private static final long SETTLE_GRACE_MS = 250;
  private static final Map<Vertx, Departures> DEPARTURES = new WeakHashMap<>();

  private ClusterNodes() {}

  /** Starts watching the member list of a clustered {@code vertx} for departures; nothing on a local bus. */
  public static void watchDepartures(Vertx vertx) {
    ClusterManager manager = manager(vertx);
    if (manager != null) {
      synchronized (DEPARTURES) {
        DEPARTURES.computeIfAbsent(vertx, v -> new Departures(v, manager));
      }
    }
  }

  /**
   * Calls {@code listener} (on the thread that noticed, once) with the id of the next member to
   * leave the cluster; the answer cancels the wait. Never called on a local bus, or when departures
   * are not watched.
   */
  public static Runnable onDeparture(Vertx vertx, Consumer<String> listener) {
    Departures departures = departures(vertx);
    if (departures == null) {
      return () -> {};
    }
    departures.listeners.add(listener);
    return () -> departures.listeners.remove(listener);
  }

  /**
   * Right after a member left, the event bus may still route a send to it for a moment (its
   * registrations are removed from the cluster's map and then from each node's cache). Completes at
   * once unless a member left in the last 5 s; then once no registration of {@code address} belongs to
   * a node outside the member list, and a quarter of a second later for the caches (at most 3 s).
   */
  public static Future<Void> registrationsSettled(Vertx vertx, String address) {
    ClusterManager manager = manager(vertx);
    if (manager == null || !departedRecently(vertx)) {
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    awaitSettled(vertx, manager, address, System.currentTimeMillis() + SETTLE_MAX_MS, settled);
    return settled.future();
  }

  private static void awaitSettled(Vertx vertx, ClusterManager manager, String address, long until,
                                   Promise<Void> settled) {
    manager.getRegistrations(address, (registrations, failure) -> {
      List<String> members = manager.getNodes();
      boolean stale = failure == null && registrations.stream().map(RegistrationInfo::nodeId)
          .anyMatch(node -> !members.contains(node));
      if (!stale || System.currentTimeMillis() > until) {
        vertx.setTimer(SETTLE_GRACE_MS, t -> settled.tryComplete());
      } else {
        vertx.setTimer(SETTLE_POLL_MS, t -> awaitSettled(vertx, manager, address, until, settled));
      }
    });
  }

  /**
   * Whether a member left in the last 5 s: a request sent now may still be routed to it, by a node
   * whose cache of the registrations has not caught up, and be lost without a word.
   */
  public static boolean departedRecently(Vertx vertx) {
    Departures departures = departures(vertx);
    return departures != null && System.nanoTime() - departures.lastAt <= SETTLE_WINDOW_NANOS;
  }

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

  /** The departure watch of {@code vertx}; null on a local bus or when departures are not watched. */
  private static Departures departures(Vertx vertx) {
    synchronized (DEPARTURES) {
      return DEPARTURES.get(vertx);
    }
  }

  private static ClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }

  /** The member list as last read, and who waits for the next departure. */
  private static final class Departures {
    final Set<Consumer<String>> listeners = ConcurrentHashMap.newKeySet();
    /** When a member last left ({@link System#nanoTime}); long ago at first. */
    volatile long lastAt = System.nanoTime() - 2 * SETTLE_WINDOW_NANOS;
    private Set<String> members;

    Departures(Vertx vertx, ClusterManager manager) {
      members = Set.copyOf(manager.getNodes());
      vertx.setPeriodic(DEPARTURE_POLL_MS, t -> check(manager));
    }

    private void check(ClusterManager manager) {
      Set<String> now = Set.copyOf(manager.getNodes());
      members.stream().filter(node -> !now.contains(node)).findFirst().ifPresent(gone -> {
        lastAt = System.nanoTime();
        List.copyOf(listeners).forEach(listener -> {
          if (listeners.remove(listener)) {
            listener.accept(gone);
          }
        });
      });
      members = now;
    }
  }
}
