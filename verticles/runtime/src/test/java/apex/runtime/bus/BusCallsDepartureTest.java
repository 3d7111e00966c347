package apex.runtime.bus;

import apex.runtime.TestServices;
import apex.runtime.cluster.VertxBootstrap;
import apex.runtime.config.ApexConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three clustered nodes. A request goes to a node that never answers it; that node leaves the
 * cluster. Vert.x would let the request wait out its whole timeout (a minute here); the caller asks
 * again as soon as the member list shows the departure, and the node that is left answers.
 */
class BusCallsDepartureTest {

  @Test
  void aRequestLostWithALeavingNodeIsAskedAgainOfTheNodesLeft() throws Exception {
    ApexConfig config = TestServices.config(Map.of("cluster.enabled", "true",
        "cluster.name", "apex-departure-" + UUID.randomUUID(), "breakers.default.timeout_ms", "60000",
        "breakers.default.retry_initial_delay_ms", "5", "breakers.default.retry_max_delay_ms", "20"));
    List<Vertx> nodes = new ArrayList<>();
    try {
      Vertx caller = start(config, nodes);
      Vertx silent = start(config, nodes);
      CountDownLatch taken = new CountDownLatch(1);
      silent.eventBus().<JsonObject>consumer("t.lost", message -> taken.countDown()).completion().await();

      Future<JsonObject> answer = new BusCalls(caller, config).request("lost", "t.lost", new JsonObject(),
          new DeliveryOptions());
      assertTrue(taken.await(30, TimeUnit.SECONDS), "the silent node took the request");
      Vertx helpful = start(config, nodes);
      helpful.eventBus().<JsonObject>consumer("t.lost", message -> message.reply(new JsonObject().put("from", "helpful")))
          .completion().await();
      nodes.remove(silent);
      silent.close().await();

      // Well inside the request's own 60 s timeout: without the departure it would still be waiting.
      JsonObject reply = answer.toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
      assertEquals("helpful", reply.getString("from"));
    } finally {
      for (Vertx node : nodes) {
        node.close().await();
      }
    }
  }

  private static Vertx start(ApexConfig config, List<Vertx> nodes) {
    Vertx vertx = VertxBootstrap.start(config, 0).await();
    nodes.add(vertx);
    return vertx;
  }
}
