package apex.runtime.llm;

import apex.runtime.bus.BusCalls;
import apex.runtime.config.ApexConfig;
import apex.runtime.config.ConfigException;
import apex.runtime.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LLM client and its two uses against a local server speaking the chat-completions protocol:
 * a good answer is used, every kind of failure leaves the deterministic result and says why.
 */
@ExtendWith(VertxExtension.class)
class LlmClientTest {
  private static final String QUESTION = "what about the thing with our invoices";

  /** What the local server received: one JSON body per request, with its path and authorization. */
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();

  private Future<Integer> server(Vertx vertx, Handler<HttpServerRequest> answer) {
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          received.add(new JsonObject().put("path", request.path())
              .put("authorization", request.getHeader("Authorization")).put("body", body.toJsonObject()));
          answer.handle(request);
        }))
        .listen(0, "127.0.0.1")
        .map(server -> server.actualPort());
  }

  private static Handler<HttpServerRequest> completion(String content) {
    return request -> request.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("id", "c1").put("object", "chat.completion").put("choices", new JsonArray()
            .add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                .put("message", new JsonObject().put("role", "assistant").put("content", content)))).encode());
  }

  private static ApexConfig config(int port, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(Map.of("llm.enabled", "true",
        "llm.base_url", "http://127.0.0.1:" + port + "/v1/", "llm.model", "test-model", "llm.timeout_ms", "5000",
        "breakers.llm.reset_timeout_ms", "60000"));
    settings.putAll(more);
    return new ConfigLoader(Map.of("APEX_LLM_API_KEY", "test-key")).load(null, settings);
  }

  private static LlmClient client(Vertx vertx, ApexConfig config) {
    return LlmClient.create(vertx, config, new BusCalls(vertx, config));
  }

  /** The refiner, asking a local server that answers with {@code answer}, given the rules' guess. */
  private Future<IntentRefiner.Refinement> refine(Vertx vertx, Handler<HttpServerRequest> answer, String rulesIntent,
                                                  double confidence, Map<String, String> settings) {
    return server(vertx, answer).compose(port -> new IntentRefiner(client(vertx, config(port, settings)))
        .refine("run-1", QUESTION, rulesIntent, confidence));
  }

  @Test
  void usesTheModelsIntentAndSpeaksTheProtocol(Vertx vertx, VertxTestContext ctx) {
    refine(vertx, completion("{\"intent\": \"budget_forecast\"}"), "general", 0.3, Map.of())
        .onComplete(ctx.succeeding(refinement -> ctx.verify(() -> {
          assertEquals(new IntentRefiner.Refinement("budget_forecast", IntentRefiner.METHOD_LLM, null), refinement);
          JsonObject request = received.get(0);
          assertEquals("/v1/chat/completions", request.getString("path"));
          assertEquals("Bearer test-key", request.getString("authorization"));
          JsonObject body = request.getJsonObject("body");
          assertEquals("test-model", body.getString("model"));
          assertEquals(0, body.getInteger("temperature"));
          assertEquals(300, body.getInteger("max_tokens"));
          assertEquals("json_object", body.getJsonObject("response_format").getString("type"));
          assertEquals(List.of("system", "user"), body.getJsonArray("messages").stream()
              .map(m -> ((JsonObject) m).getString("role")).toList());
          assertTrue(body.getJsonArray("messages").getJsonObject(1).getString("content").contains(QUESTION));
          ctx.completeNow();
        })));
  }

  @Test
  void anAnswerOutsideTheIntentListKeepsTheRules(Vertx vertx, VertxTestContext ctx) {
    refineExpectingFallback(vertx, ctx, completion("{\"intent\": \"world_domination\"}"), Map.of(), "outside the list");
  }

  @Test
  void anAnswerThatIsNotJsonKeepsTheRules(Vertx vertx, VertxTestContext ctx) {
    refineExpectingFallback(vertx, ctx, request -> request.response().end("<html>gateway</html>"), Map.of(),
        "llm answer is not JSON");
  }

  @Test
  void aServerErrorKeepsTheRules(Vertx vertx, VertxTestContext ctx) {
    refineExpectingFallback(vertx, ctx, request -> request.response().setStatusCode(500).end("{\"error\":\"boom\"}"),
        Map.of(), "llm answered HTTP 500: {\"error\":\"boom\"}");
  }

  @Test
  void noAnswerInTimeKeepsTheRules(Vertx vertx, VertxTestContext ctx) {
    refineExpectingFallback(vertx, ctx, request -> { }, Map.of("llm.timeout_ms", "300"),
        "llm did not answer within 300 ms");
  }

  private void refineExpectingFallback(Vertx vertx, VertxTestContext ctx, Handler<HttpServerRequest> answer,
                                       Map<String, String> settings, String reason) {
    refine(vertx, answer, "general", 0.3, settings)
        .onComplete(ctx.succeeding(refinement -> ctx.verify(() -> {
          assertEquals("general", refinement.intent());
          assertEquals(IntentRefiner.METHOD_RULES, refinement.method());
          assertTrue(refinement.fallbackReason().contains(reason), refinement.fallbackReason());
          assertEquals(1, received.size());
          ctx.completeNow();
        })));
  }

  @Test
  void failuresOpenTheBreakerAndThenTheServerIsNotAsked(Vertx vertx, VertxTestContext ctx) {
    server(vertx, request -> request.response().setStatusCode(503).end())
        .onComplete(ctx.succeeding(port -> {
          LlmClient llm = client(vertx, config(port, Map.of("breakers.llm.max_failures", "2")));
          IntentRefiner refiner = new IntentRefiner(llm);
          refiner.refine("run-1", QUESTION, "general", 0.3)
              .compose(first -> refiner.refine("run-2", QUESTION, "general", 0.3))
              .compose(second -> refiner.refine("run-3", QUESTION, "general", 0.3))
              .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
                assertEquals("general", third.intent());
                assertTrue(third.fallbackReason().contains("circuit open"), third.fallbackReason());
                assertEquals(2, received.size(), "the third call never left the client");
                ctx.completeNow();
              })));
        }));
  }

  @Test
  void disabledByDefaultMakesNoHttpCallAtAll(Vertx vertx, VertxTestContext ctx) {
    server(vertx, completion("{\"intent\": \"caching\"}")).onComplete(ctx.succeeding(port -> {
      ApexConfig defaults = new ConfigLoader(Map.of()).load(null, Map.of("llm.base_url", "http://127.0.0.1:" + port,
          "llm.model", "test-model"));
      LlmClient llm = client(vertx, defaults);
      new IntentRefiner(llm).refine("run-1", QUESTION, "general", 0.3)
          .compose(refinement -> new NarrativeWriter(llm).write("run-1", "You spent $12.30.", Map.of("spend", 12.3))
              .map(narrative -> List.of(refinement.method(), narrative.method(), narrative.text())))
          .compose(methods -> llm.complete("x", "y", false).<List<String>>map(answer -> List.of())
              .recover(failure -> Future.succeededFuture(List.of(failure.getMessage(), String.join("|", methods)))))
          .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
            assertEquals("llm is disabled (llm.enabled is false)", outcome.get(0));
            assertEquals("rules|template|You spent $12.30.", outcome.get(1));
            assertEquals(0, received.size(), "no request reached the server");
            ctx.completeNow();
          })));
    }));
  }

  @Test
  void confidentRulesAreNotSecondGuessed(Vertx vertx, VertxTestContext ctx) {
    refine(vertx, completion("{\"intent\": \"caching\"}"), "anomaly", 0.7, Map.of())
        .onComplete(ctx.succeeding(refinement -> ctx.verify(() -> {
          assertEquals(new IntentRefiner.Refinement("anomaly", IntentRefiner.METHOD_RULES, null), refinement);
          assertEquals(0, received.size());
          ctx.completeNow();
        })));
  }

  private static final String TEMPLATE = "In the 30-day window 2026-10-24 to 2026-11-22 your team spent $1,234.50 on "
      + "8,000 LLM calls; at this rate that is $1,234.50 per month.";
  private static final Map<String, Double> FIGURES = Map.of("monthly_spend_usd", 1234.5, "savings_usd", 310.25,
      "savings_percent", 25.1);

  @Test
  void aSummaryStatingOnlyTheFactsNumbersIsUsed(Vertx vertx, VertxTestContext ctx) {
    String written = "Your team spent $1,234.50 on 8,000 calls in the last 30 days. Acting on the recommendations "
        + "would save about $310.25 a month, 25.1% of the spend.";
    server(vertx, completion(written))
        .compose(port -> new NarrativeWriter(client(vertx, config(port, Map.of()))).write("run-1", TEMPLATE, FIGURES))
        .onComplete(ctx.succeeding(narrative -> ctx.verify(() -> {
          assertEquals(new NarrativeWriter.Narrative(written, NarrativeWriter.METHOD_LLM, null), narrative);
          assertTrue(received.get(0).getJsonObject("body").getJsonArray("messages").getJsonObject(1)
              .getString("content").contains("310.25"));
          assertNull(received.get(0).getJsonObject("body").getValue("response_format"));
          ctx.completeNow();
        })));
  }

  @Test
  void aSummaryInventingANumberIsDiscarded(Vertx vertx, VertxTestContext ctx) {
    server(vertx, completion("Your team spent $1,234.50 this month. Switching models would save $400."))
        .compose(port -> new NarrativeWriter(client(vertx, config(port, Map.of()))).write("run-1", TEMPLATE, FIGURES))
        .onComplete(ctx.succeeding(narrative -> ctx.verify(() -> {
          assertEquals(TEMPLATE, narrative.text());
          assertEquals(NarrativeWriter.METHOD_TEMPLATE, narrative.method());
          assertTrue(narrative.fallbackReason().contains("numbers absent from the facts: [400]"),
              narrative.fallbackReason());
          ctx.completeNow();
        })));
  }

  @Test
  void enablingTheLlmNeedsABaseUrlAndAModel() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of())
        .load(null, Map.of("llm.enabled", "true", "llm.max_tokens", "0")));
    assertTrue(e.problems().contains("llm.base_url: missing; llm.enabled needs the chat-completions base URL "
        + "(APEX_LLM_BASE_URL)"), e.problems().toString());
    assertTrue(e.problems().contains("llm.model: missing; llm.enabled needs a model name (APEX_LLM_MODEL)"),
        e.problems().toString());
    assertTrue(e.problems().contains("llm.max_tokens: must be between 1 and 8192, got 0"), e.problems().toString());
    ConfigException scheme = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of())
        .load(null, Map.of("llm.base_url", "api.example/v1")));
    assertTrue(scheme.problems().get(0).startsWith("llm.base_url: must start with http:// or https://"),
        scheme.problems().toString());
    assertEquals("test-key", config(1, Map.of()).string("llm.api_key"), "the key comes from APEX_LLM_API_KEY");
  }
}
