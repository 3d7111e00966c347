package apex.runtime.events;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.contracts.Schemas;
import apex.contracts.run.Agent;
import apex.contracts.run.EventType;
import apex.contracts.run.RunRef;
import apex.runtime.TestServices;
import apex.runtime.storage.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.RedisAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class RunEventEmitterTest {

  @Test
  void twoEmittersShareOneGaplessSequenceAndTheLogKeepsEveryEvent(Vertx vertx, VertxTestContext ctx) {
    RedisAPI redis = RedisStore.api(vertx, TestServices.config());
    RunRef run = new RunRef(UUID.randomUUID().toString(), "t-1", "u-42");
    List<JsonObject> published = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.RUN_EVENTS, m -> {
      assertEquals("u-42", m.headers().get(BusHeaders.USER_ID));
      published.add(m.body());
    }).completion().compose(v -> {
      RunEventEmitter a = new RunEventEmitter(vertx, redis);
      RunEventEmitter b = new RunEventEmitter(vertx, redis);
      List<Future<?>> emits = new ArrayList<>();
      IntStream.range(0, 10).forEach(i -> {
        RunEventEmitter emitter = i % 2 == 0 ? a : b;
        emits.add(emitter.emit(run, Agent.DATA, EventType.AGENT_THINKING,
            new JsonObject().put("reasoning", "step " + i).put("progress", i / 10.0)));
      });
      return Future.all(emits);
    }).compose(v -> redis.zrange(List.of(RunEventEmitter.logKey(run.runId()), "0", "-1", "WITHSCORES")))
        .onComplete(ctx.succeeding(log -> vertx.setTimer(100, t -> ctx.verify(() -> {
          assertEquals(10, published.size());
          List<Long> seqs = published.stream().map(e -> e.getLong("seq")).sorted().toList();
          assertEquals(IntStream.rangeClosed(1, 10).mapToObj(Long::valueOf).toList(), seqs);
          published.forEach(e -> assertTrue(Schemas.get().problems(Schemas.RUN_EVENT, e).isEmpty(), e.encode()));
          assertEquals(10, log.size());
          ctx.completeNow();
        }))));
  }

  @Test
  void eventsAskedForWhileACallIsOutGoTogetherInOrderAndGapless(Vertx vertx, VertxTestContext ctx) {
    RedisAPI redis = RedisStore.api(vertx, TestServices.config());
    RunRef run = new RunRef(UUID.randomUUID().toString(), "t-1", "u-43");
    List<Long> published = new ArrayList<>();
    long[] callsBefore = new long[1];
    vertx.eventBus().<JsonObject>consumer(Addresses.RUN_EVENTS, m -> {
      if (run.runId().equals(m.body().getString("run_id"))) {
        published.add(m.body().getLong("seq"));
      }
    }).completion()
        .compose(v -> evalCalls(redis)).compose(before -> {
          callsBefore[0] = before;
          RunEventEmitter emitter = new RunEventEmitter(vertx, redis);
          List<Future<?>> emits = new ArrayList<>();
          IntStream.range(0, 250).forEach(i -> emits.add(emitter.emit(run, Agent.DATA, EventType.AGENT_THINKING,
              new JsonObject().put("reasoning", "step " + i).put("progress", i / 250.0))));
          return Future.all(emits).compose(all -> emitter.settled(run.runId()).map(all));
        })
        .compose(all -> redis.zrange(List.of(RunEventEmitter.logKey(run.runId()), "0", "-1", "WITHSCORES"))
            .compose(log -> evalCalls(redis).map(after -> {
              ctx.verify(() -> {
                for (int i = 0; i < 250; i++) {
                  assertEquals(i + 1, all.<apex.contracts.run.RunEvent>resultAt(i).seq(), "the order asked for");
                }
                assertEquals(250, log.size());
                assertEquals("step 249", new JsonObject(log.get(249).get(0).toString()).getString("reasoning"));
                // One call for the first event, the rest in batches of at most MAX_BATCH while it is out.
                assertTrue(after - callsBefore[0] <= 1 + (249 + RunEventEmitter.MAX_BATCH - 1) / RunEventEmitter.MAX_BATCH,
                    (after - callsBefore[0]) + " script calls");
              });
              return after;
            })))
        .onComplete(ctx.succeeding(v -> vertx.setTimer(100, t -> ctx.verify(() -> {
          assertEquals(IntStream.rangeClosed(1, 250).mapToObj(Long::valueOf).toList(), published);
          ctx.completeNow();
        }))));
  }

  /** How many EVAL calls this Redis has served so far. */
  private static Future<Long> evalCalls(RedisAPI redis) {
    return redis.info(List.of("commandstats")).map(info -> info.toString().lines()
        .filter(l -> l.startsWith("cmdstat_eval:")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("cmdstat_eval:calls=(\\d+),.*", "$1"))).orElse(0L));
  }
}
