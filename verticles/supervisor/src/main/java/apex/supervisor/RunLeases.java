package apex.supervisor;

import apex.contracts.run.RunRef;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The leases under which supervisors hold their runs ({@code chat.runs.owner}, {@code lease_until}):
 * renewed by the owner's heartbeat, released on a graceful stop, and taken over by any supervisor
 * once they ran out. An owner is named {@code <node id>/<cluster node id>/<instance>}: a run whose owner's node
 * is still a cluster member is only taken once its lease is {@link #LIVE_OWNER_LEASES} leases overdue,
 * so a supervisor whose heartbeat is late on a loaded machine keeps its runs, while one that died
 * (its node left the member list) loses them as soon as the lease runs out.
 * {@code FOR UPDATE SKIP LOCKED} lets several supervisors sweep at once without two adopting the
 * same run.
 */
final class RunLeases {
  /**
   * A run taken over: what its pipeline needs to continue, and how long it has left; or, for a run
   * that has ended ({@code running} false), the last event that may not have been shown.
   */
  record Adopted(RunRef run, boolean running, JsonObject pendingEnd, String question, JsonObject stages,
                 long remainingMs, String previousOwner, int adoptions) {}

  /** How many lease lengths past its end a run of a live cluster member waits before it is adopted. */
  static final int LIVE_OWNER_LEASES = 3;
  private final Pool pool;

  RunLeases(Pool pool) {
    this.pool = pool;
  }

  /**
   * Extends the leases of the runs {@code owner} drives; answers those it still holds. A run whose
   * end is recorded but not yet shown is still held: its pipeline is about to show it.
   */
  Future<Set<String>> renew(String owner, long leaseMs, Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    UUID[] ids = runIds.stream().map(UUID::fromString).toArray(UUID[]::new);
    return pool.preparedQuery("UPDATE chat.runs SET lease_until = now() + $2 * interval '1 millisecond', "
            + "heartbeat_at = now() WHERE id = ANY($3) AND owner = $1 AND (status = 'running' OR pending_end IS NOT NULL) "
            + "RETURNING id")
        .execute(Tuple.of(owner, leaseMs, ids))
        .map(rows -> {
          Set<String> held = new HashSet<>();
          rows.forEach(r -> held.add(r.getUUID("id").toString()));
          return held;
        });
  }

  /** Gives the runs up at once, so another supervisor adopts them on its next sweep. */
  Future<Void> release(String owner, Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] ids = runIds.stream().map(UUID::fromString).toArray(UUID[]::new);
    return pool.preparedQuery("UPDATE chat.runs SET lease_until = now() WHERE id = ANY($2) AND owner = $1 "
            + "AND status = 'running'")
        .execute(Tuple.of(owner, (Object) ids)).mapEmpty();
  }

  /** A new owner name for a supervisor instance on node {@code nodeId}, cluster node {@code clusterNode}. */
  static String ownerName(String nodeId, String clusterNode) {
    return nodeId + "/" + clusterNode + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Takes over up to {@code limit} runs whose lease ran out, oldest first: running ones, and ended
   * ones whose last event was recorded but not yet shown. Runs owned on one of the {@code members}
   * (cluster node ids) are left alone until their lease is {@link #LIVE_OWNER_LEASES} leases overdue,
   * and the runs {@code owner} is driving ({@code driving}) are never taken: a late renewal of its own
   * must not start a second pipeline for them (on a local bus there is no member list to ask).
   */
  Future<List<Adopted>> adoptExpired(String owner, long leaseMs, int limit, List<String> members,
                                     Collection<String> driving) {
    return pool.preparedQuery("""
            WITH expired AS (
              SELECT id, owner FROM chat.runs WHERE (status = 'running' OR pending_end IS NOT NULL)
                AND lease_until < now()
                AND (NOT split_part(coalesce(owner, ''), '/', 2) = ANY($4)
                     OR lease_until < now() - $5 * interval '1 millisecond')
                AND NOT id = ANY($6)
              ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            UPDATE chat.runs r SET owner = $1, lease_until = now() + $2 * interval '1 millisecond',
                   heartbeat_at = now(), adoptions = r.adoptions + 1
            FROM expired e WHERE r.id = e.id
            RETURNING r.id, r.thread_id, r.user_id, r.status, r.pending_end, e.owner AS previous_owner, r.adoptions,
            """ + ChatStore.STAGES_OF_RUN + """
                      AS stages,
                      (extract(epoch FROM r.deadline_at - now()) * 1000)::bigint AS remaining_ms,
                      (SELECT m.text FROM chat.messages m WHERE m.run_id = r.id AND m.role = 'user'
                       ORDER BY m.id LIMIT 1) AS question""")
        .execute(Tuple.of(owner, leaseMs, limit, members.toArray(String[]::new), leaseMs * LIVE_OWNER_LEASES,
            driving.stream().map(UUID::fromString).toArray(UUID[]::new)))
        .map(rows -> {
          List<Adopted> adopted = new ArrayList<>();
          rows.forEach(r -> adopted.add(new Adopted(
              new RunRef(r.getUUID("id").toString(), r.getUUID("thread_id").toString(), r.getString("user_id")),
              "running".equals(r.getString("status")), (JsonObject) r.getValue("pending_end"), r.getString("question"), (JsonObject) r.getValue("stages"), r.getLong("remaining_ms"),
              r.getString("previous_owner"), r.getInteger("adoptions"))));
          return adopted;
        });
  }
}
