package apex.runtime.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** Reads a run's event log (written by {@link RunEventEmitter}): replay for sockets, the trace, recovery. */
public final class EventLog {
  private final RedisAPI redis;

  public EventLog(RedisAPI redis) {
    this.redis = redis;
  }

  /** Events with {@code from ≤ seq ≤ to} ({@code to} 0 means to the end), in order, seq restored. */
  public Future<List<JsonObject>> range(String runId, long from, long to) {
    return redis.zrangebyscore(List.of(RunEventEmitter.logKey(runId), String.valueOf(from),
            to <= 0 ? "+inf" : String.valueOf(to), "WITHSCORES"))
        .map(EventLog::events);
  }

  /** The run's last logged event, if any. */
  public Future<Optional<JsonObject>> last(String runId) {
    return redis.zrange(List.of(RunEventEmitter.logKey(runId), "-1", "-1", "WITHSCORES"))
        .map(response -> events(response).stream().findFirst());
  }

  /**
   * The whole log, oldest first, each event as the JSON text it was logged as with its seq put back
   * (first), none of them decoded: for storing the log as it is.
   */
  public Future<List<String>> texts(String runId) {
    return redis.zrangebyscore(List.of(RunEventEmitter.logKey(runId), "1", "+inf", "WITHSCORES"))
        .map(response -> {
          List<String> texts = new ArrayList<>();
          forEachEntry(response, (entry, seq) -> texts.add(entry.length() > 2
              ? "{\"seq\":" + seq + "," + entry.substring(1) : "{\"seq\":" + seq + "}"));
          return texts;
        });
  }

  private static List<JsonObject> events(Response response) {
    List<JsonObject> events = new ArrayList<>();
    forEachEntry(response, (entry, seq) -> events.add(new JsonObject(entry).put("seq", seq)));
    return events;
  }

  /** Each logged entry (the event without its seq) with its seq, the member's score. */
  private static void forEachEntry(Response response, BiConsumer<String, Long> entry) {
    // RESP2 answers a flat [member, score, member, score …]; RESP3 answers pairs.
    if (response.size() > 0 && response.get(0).type() == ResponseType.MULTI) {
      response.forEach(pair -> entry.accept(pair.get(0).toString(), pair.get(1).toLong()));
    } else {
      for (int i = 0; i + 1 < response.size(); i += 2) {
        entry.accept(response.get(i).toString(), Double.valueOf(response.get(i + 1).toString()).longValue());
      }
    }
  }
}
