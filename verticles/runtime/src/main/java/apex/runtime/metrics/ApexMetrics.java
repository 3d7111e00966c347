package apex.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Apex's own meters, one set per node, in the registry that also holds Vert.x's (event bus, HTTP,
 * pools) and that {@code /metrics} serves in Prometheus format. Names as Prometheus shows them:
 * {@code apex_runs_total{outcome}}, {@code apex_run_duration_seconds},
 * {@code apex_stage_duration_seconds{stage}}, {@code apex_breaker_state{name}} (0 closed,
 * 1 half-open, 2 open; the worst of the node's breakers of that name),
 * {@code apex_events_emitted_total}, {@code apex_events_delivered_total}, {@code apex_sockets_open}.
 * A Vert.x started without metrics (a unit test's) gets meters that record nothing.
 */
public final class ApexMetrics {
  private static final Map<Vertx, ApexMetrics> NODES = Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;
  private final Counter emitted;
  private final Counter delivered;
  private final AtomicLong sockets = new AtomicLong();
  private final Map<String, List<CircuitBreaker>> breakers = new ConcurrentHashMap<>();

  private ApexMetrics(MeterRegistry registry) {
    this.registry = registry;
    emitted = Counter.builder("apex.events.emitted").description("Run events emitted on this node").register(registry);
    delivered = Counter.builder("apex.events.delivered").description("Run events written to browser sockets")
        .register(registry);
    Gauge.builder("apex.sockets.open", sockets, AtomicLong::get).description("WebSockets open on this node")
        .register(registry);
  }

  /** Makes {@code registry} the home of the node's Apex meters (VertxBootstrap, once per Vert.x). */
  public static void bind(Vertx vertx, MeterRegistry registry) {
    NODES.put(vertx, new ApexMetrics(registry));
  }

  public static ApexMetrics of(Vertx vertx) {
    ApexMetrics bound = NODES.get(vertx);
    return bound != null ? bound : new ApexMetrics(new CompositeMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A run ended: {@code completed}, {@code degraded}, {@code failed}, {@code cancelled} or {@code timeout}. */
  public void runEnded(String outcome, long nanos) {
    registry.counter("apex.runs", "outcome", outcome).increment();
    Timer.builder("apex.run.duration").description("Runs, start (or adoption) to end").register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void stageServed(String stage, long nanos) {
    Timer.builder("apex.stage.duration").tag("stage", stage).description("Stage work served on this node")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void eventEmitted() {
    emitted.increment();
  }

  public void eventDelivered() {
    delivered.increment();
  }

  public void socketOpened() {
    sockets.incrementAndGet();
  }

  public void socketClosed() {
    sockets.decrementAndGet();
  }

  public void breaker(CircuitBreaker breaker) {
    breakers.computeIfAbsent(breaker.name(), name -> {
      List<CircuitBreaker> all = new CopyOnWriteArrayList<>();
      Gauge.builder("apex.breaker.state", all, ApexMetrics::worstState).tag("name", name)
          .description("0 closed, 1 half-open, 2 open").register(registry);
      return all;
    }).add(breaker);
  }

  private static double worstState(List<CircuitBreaker> all) {
    return all.stream().mapToInt(b -> switch (b.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    }).max().orElse(0);
  }
}
