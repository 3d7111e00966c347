package apex.node;

import apex.contracts.Addresses;
import apex.contracts.BusHeaders;
import apex.runtime.TestServices;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One real node (every verticle, real PostgreSQL and Redis, the demo user through the real auth
 * flow) runs one analysis; then /metrics, the stage requests' trace context and /ready are read.
 */
class ObservabilityTest {
  private static final Set<String> STAGES = Set.of(Addresses.STAGE_TRIAGE, Addresses.STAGE_DATA,
      Addresses.STAGE_OPTIMIZER, Addresses.STAGE_REPORT);
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

  static NodeLauncher.RunningNode node;
  static ApexClient client;
  /** traceparent of each stage request, by address, as it left the supervisor. */
  static final Map<String, String> traceparents = new ConcurrentHashMap<>();
  static String runId;
  static Map<String, Double> afterRun;

  @BeforeAll
  static void oneRun() {
    Map<String, String> overrides = new HashMap<>(SingleNodeEndToEndTest.DEV_WITH_TEST_SERVICES);
    overrides.put("limits.login_account_burst", "100000");
    node = await(NodeLauncher.start(TestServices.config(overrides), Role.all(), 1));
    node.vertx().eventBus().addOutboundInterceptor(delivery -> {
      if (STAGES.contains(delivery.message().address())) {
        traceparents.put(delivery.message().address(), String.valueOf(delivery.message().headers().get(BusHeaders.TRACEPARENT)));
      }
      delivery.next();
    });
    client = new ApexClient(node.httpPort());
    String token = client.login("demo@apex.dev", "apex-demo-2026");
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
    socket.next();
    JsonObject accepted = GoldenPath.ask(socket, "metrics-" + UUID.randomUUID());
    runId = accepted.getString("run_id");
    JsonObject run = client.get("/api/runs/" + runId, token).bodyAsJsonObject();
    assertEquals("completed", run.getString("status"), run.encode());
    afterRun = scrapeOnceTheRunIsCounted(); // the socket is still open here
  }

  /**
   * The supervisor counts the run once its end is recorded, which may be just after the client saw
   * run_completed: scrape until it is there (ApexClient.WAIT_SECONDS at most; a wait, not a timing check).
   */
  private static Map<String, Double> scrapeOnceTheRunIsCounted() {
    long deadline = System.nanoTime() + ApexClient.WAIT_SECONDS * 1_000_000_000L;
    Map<String, Double> samples = scrape();
    while (!samples.containsKey("apex_run_duration_seconds_count") && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      samples = scrape();
    }
    return samples;
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  static Map<String, Double> scrape() {
    HttpResponse<Buffer> response = client.get("/metrics");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"), response.getHeader("Content-Type"));
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.bodyAsString().split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return samples;
  }

  private static double sample(String name) {
    Double value = afterRun.get(name);
    assertNotNull(value, name + " is not among " + afterRun.keySet().stream().filter(k -> k.startsWith("apex_")).sorted().toList());
    return value;
  }

  @Test
  void metricsCountTheRunItsStagesAndItsEvents() {
    assertEquals(1.0, sample("apex_runs_total{outcome=\"completed\"}"));
    assertEquals(1.0, sample("apex_run_duration_seconds_count"));
    assertTrue(sample("apex_run_duration_seconds_sum") > 0);
    for (String stage : List.of("triage", "data", "optimizer", "report")) {
      assertEquals(1.0, sample("apex_stage_duration_seconds_count{stage=\"" + stage + "\"}"), stage);
      assertTrue(sample("apex_stage_duration_seconds_sum{stage=\"" + stage + "\"}")
          <= sample("apex_run_duration_seconds_sum"), stage + " took no longer than its run");
    }
    double emitted = sample("apex_events_emitted_total");
    assertTrue(emitted >= 20, "a full run emits every agent's events, got " + emitted);
    // Every event of the run went to the one open socket, and nothing else was emitted.
    assertEquals(emitted, sample("apex_events_delivered_total"));
    assertEquals(1.0, sample("apex_sockets_open"));
    for (String breaker : List.of("triage", "data", "optimizer", "report", "auth")) {
      assertEquals(0.0, sample("apex_breaker_state{name=\"" + breaker + "\"}"), breaker + " closed");
    }
  }

  @Test
  void metricsIncludeVertxEventBusHttpAndPoolMeters() {
    Set<String> names = afterRun.keySet();
    for (String prefix : List.of("vertx_eventbus_", "vertx_http_server_", "vertx_pool_", "jvm_memory_")) {
      assertTrue(names.stream().anyMatch(n -> n.startsWith(prefix)), prefix + "* in " + names.stream().sorted().toList());
    }
    assertTrue(afterRun.entrySet().stream().anyMatch(e -> e.getKey().startsWith("vertx_eventbus_processed_total")
        && e.getKey().contains("apex.stage.data") && e.getValue() >= 1), "the data stage's requests are counted: "
        + names.stream().filter(n -> n.startsWith("vertx_eventbus")).sorted().toList());
  }

  @Test
  void everyStageRequestCarriesTheRunsTraceContext() {
    assertEquals(STAGES, traceparents.keySet());
    String traceId = runId.replace("-", "");
    Set<String> parents = new java.util.HashSet<>();
    traceparents.forEach((address, header) -> {
      Matcher m = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01").matcher(header);
      assertTrue(m.matches(), address + ": " + header);
      assertEquals(traceId, m.group(1), address + " is in the run's trace");
      parents.add(m.group(2));
    });
    assertEquals(4, parents.size(), "each stage request is its own hop: " + traceparents);
  }

  @Test
  void readyReportsEachServiceAndTheCluster() {
    JsonObject ready = client.get("/ready").bodyAsJsonObject();
    assertEquals("UP", ready.getString("status"), ready.encode());
    assertEquals(false, ready.getJsonObject("cluster").getBoolean("clustered"));
    for (String service : List.of("auth", "supervisor", "triage", "data", "optimizer", "report")) {
      assertEquals("UP", ready.getJsonObject("services").getJsonObject(service).getString("status"), service);
    }
  }

  @Test
  void readyIsDownNamingAStageWithNoLiveInstance() {
    NodeLauncher.RunningNode partial = await(NodeLauncher.start(TestServices.config(Map.of("http.port", "0")),
        Role.parse("auth,ws-bridge,supervisor,triage,data,report"), 1));
    try (ApexClient other = new ApexClient(partial.httpPort())) {
      HttpResponse<Buffer> response = other.get("/ready");
      assertEquals(503, response.statusCode(), response.bodyAsString());
      JsonObject services = response.bodyAsJsonObject().getJsonObject("services");
      assertEquals("DOWN", services.getJsonObject("optimizer").getString("status"), services.encode());
      assertTrue(services.getJsonObject("optimizer").getString("error").startsWith("unavailable"), services.encode());
      assertEquals("UP", services.getJsonObject("data").getString("status"), services.encode());
    } finally {
      await(partial.close());
    }
  }
}
