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
}
