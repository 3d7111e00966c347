package apex.contracts;

import apex.contracts.run.RunRef;
import apex.contracts.stage.Entities;
import apex.contracts.stage.StageRequest;
import apex.contracts.stage.TriageResult;
import apex.contracts.stage.Window;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ContractCodecTest {
  private static final StageRequest REQUEST = new StageRequest(new RunRef("r-1", "t-1", "u-1"), "Where does it go?",
      new TriageResult("cost_breakdown", new Entities(List.of("gpt-4o"), List.of(), List.of(), 30, "last 30 days",
          List.of(12.5), null), new Window("2026-10-23", "2026-11-22", 30), TriageResult.SUFFICIENT, 1_030, 0.9,
          List.of("triage", "data"), "rules"), null, null, List.of("data: slow — used last_aggregates"));

  @Test
  void betweenNodesARecordTravelsAsItsJsonAndArrivesTheSame() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ContractCodec.register(vertx.eventBus());
      CompletableFuture<Object> received = new CompletableFuture<>();
      vertx.eventBus().consumer("codec-test", message -> received.complete(message.body()));
      vertx.eventBus().send("codec-test", REQUEST);
      // Within a JVM the record itself is handed over: nothing written out or copied.
      assertSame(REQUEST, received.get(10, TimeUnit.SECONDS));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theWireFormIsTheContractsJsonAfterItsLength() {
    ContractCodec<StageRequest> codec = new ContractCodec<>(StageRequest.class);
    Buffer wire = Buffer.buffer().appendString("before");
    codec.encodeToWire(wire, REQUEST);

    int length = wire.getInt(6);
    assertEquals(REQUEST.toJson(), new JsonObject(wire.slice(10, 10 + length)));
    assertEquals(REQUEST, codec.decodeFromWire(6, wire));
    assertSame(REQUEST, codec.transform(REQUEST));
  }
}
