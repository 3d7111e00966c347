package apex.runtime.bus;

import apex.contracts.ErrorCode;
import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigLoader;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class BusCallsTest {

  private static ApexConfig config() {
    return new ConfigLoader(Map.of()).load(null, Map.of(
        "breakers.default.timeout_ms", "200", "breakers.default.max_failures", "2",
        "breakers.default.max_retries", "2", "breakers.default.retry_initial_delay_ms", "5",
        "breakers.default.retry_max_delay_ms", "20", "breakers.default.reset_timeout_ms", "60000"));
  }

  @Test
  void businessFailurePassesThroughWithoutRetryOrTrip(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger calls = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("t.business", m -> {
      calls.incrementAndGet();
      m.fail(ErrorCode.NOT_FOUND.failureCode(), "no such run");
    });
    BusCalls bus = new BusCalls(vertx, config());
    Future<JsonObject> first = bus.request("dep", "t.business", new JsonObject(), new DeliveryOptions());
    first.recover(e -> bus.request("dep", "t.business", new JsonObject(), new DeliveryOptions()))
        .recover(e -> bus.request("dep", "t.business", new JsonObject(), new DeliveryOptions()))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals(ErrorCode.NOT_FOUND, ErrorCode.of(e));
          assertEquals(3, calls.get(), "each call reached the recipient once: no retries");
          assertEquals(CircuitBreakerState.CLOSED, bus.breaker("dep").state());
          ctx.completeNow();
        })));
  }

  @Test
  void timeoutsAreRetriedThenOpenTheCircuit(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger calls = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer("t.silent", m -> calls.incrementAndGet());
    BusCalls bus = new BusCalls(vertx, config());
    bus.request("slow", "t.silent", new JsonObject(), new DeliveryOptions())
        .recover(e -> bus.request("slow", "t.silent", new JsonObject(), new DeliveryOptions()))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals(6, calls.get(), "two calls, each tried three times");
          assertEquals(CircuitBreakerState.OPEN, bus.breaker("slow").state());
          assertEquals(ErrorCode.TIMEOUT, ErrorCode.of(e), e.getMessage());
          assertTrue(e.getMessage().startsWith("slow did not answer in time"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  void fallbackAnswersWhenTheDependencyIsMissingAndSaysSo(Vertx vertx, VertxTestContext ctx) {
    BusCalls bus = new BusCalls(vertx, config());
    bus.request("absent", "t.nobody", new JsonObject(), new DeliveryOptions(), json -> "remote",
            "rules-only", failure -> Future.succeededFuture("local"))
        .onComplete(ctx.succeeding(guarded -> ctx.verify(() -> {
          assertTrue(guarded.degraded());
          assertEquals("local", guarded.value());
          assertEquals("rules-only", guarded.fallback());
          assertTrue(guarded.reason().startsWith("absent is unavailable"), guarded.reason());
          ctx.completeNow();
        })));
  }

  @Test
  void fallbackDoesNotHideBadInput(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer("t.strict", m -> m.fail(ErrorCode.BAD_REQUEST.failureCode(), "text: empty"));
    BusCalls bus = new BusCalls(vertx, config());
    bus.request("strict", "t.strict", new JsonObject(), new DeliveryOptions(), json -> "remote",
            "rules-only", failure -> Future.succeededFuture("local"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE);
          assertFalse(e.getMessage().isEmpty());
          ctx.completeNow();
        })));
  }
}
