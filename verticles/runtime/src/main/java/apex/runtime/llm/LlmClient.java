package apex.runtime.llm;

import apex.runtime.bus.BusCalls;
import apex.runtime.config.ApexConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.concurrent.TimeoutException;

/**
 * An OpenAI-compatible chat-completions client ({@code llm.*} in the config), behind its own
 * breaker ({@code breakers.llm}). It is optional: disabled, it makes no HTTP call at all and every
 * call fails at once, so callers keep their deterministic answer. Every failure is an
 * {@link LlmFailure} saying what went wrong: a non-2xx answer, an answer that is not a chat
 * completion, no answer in time, or the circuit open.
 */
public final class LlmClient {
  public static final String BREAKER = "llm";

  private final JsonObject settings;
  private final CircuitBreaker breaker;
  private final WebClient web;

  private LlmClient(Vertx vertx, JsonObject settings, CircuitBreaker breaker) {
    this.settings = settings;
    this.breaker = breaker;
    this.web = settings.getBoolean("enabled", false) ? WebClient.create(vertx) : null;
  }

  /** The client of a verticle, with the breaker of its {@link BusCalls} (configured like every other). */
  public static LlmClient create(Vertx vertx, ApexConfig config, BusCalls calls) {
    return new LlmClient(vertx, config.section("llm"), calls.breaker(BREAKER));
  }

  public boolean enabled() {
    return web != null;
  }

  /**
   * One chat completion at temperature 0: {@code instructions} as the system message, {@code input}
   * as the user's; with {@code jsonAnswer} the model is asked for a JSON object. Succeeds with
   * {@code choices[0].message.content}.
   */
  public Future<String> complete(String instructions, String input, boolean jsonAnswer) {
    if (!enabled()) {
      return Future.failedFuture(new LlmFailure("llm is disabled (llm.enabled is false)"));
    }
    JsonObject body = new JsonObject()
        .put("model", settings.getString("model"))
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", instructions))
            .add(new JsonObject().put("role", "user").put("content", input)))
        .put("temperature", 0)
        .put("max_tokens", settings.getInteger("max_tokens"));
    if (jsonAnswer) {
      body.put("response_format", new JsonObject().put("type", "json_object"));
    }
    return breaker.<String>execute(() -> request().sendJsonObject(body).compose(LlmClient::content))
        .recover(failure -> Future.failedFuture(explain(failure)));
  }

  private HttpRequest<Buffer> request() {
    String baseUrl = settings.getString("base_url").replaceAll("/+$", "");
    HttpRequest<Buffer> request = web.postAbs(baseUrl + "/chat/completions").timeout(timeoutMs());
    String key = settings.getString("api_key", "");
    return key.isBlank() ? request : request.bearerTokenAuthentication(key);
  }

  private static Future<String> content(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      return Future.failedFuture(new LlmFailure("llm answered HTTP " + response.statusCode() + snippet(response)));
    }
    Object json;
    try {
      json = response.body() == null ? null : Json.decodeValue(response.body());
    } catch (DecodeException e) {
      return Future.failedFuture(new LlmFailure("llm answer is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")"));
    }
    if (json instanceof JsonObject completion
        && completion.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject choice
        && choice.getValue("message") instanceof JsonObject message
        && message.getValue("content") instanceof String content) {
      return Future.succeededFuture(content);
    }
    return Future.failedFuture(new LlmFailure("llm answer is not a chat completion (no choices[0].message.content)"));
  }

  private static String snippet(HttpResponse<Buffer> response) {
    String text = response.bodyAsString();
    return text == null || text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length())).strip();
  }

  private Throwable explain(Throwable failure) {
    if (failure instanceof LlmFailure) {
      return failure;
    }
    if (failure instanceof OpenCircuitException) {
      return new LlmFailure("llm is unavailable (circuit open); not asked");
    }
    if (failure instanceof TimeoutException || failure instanceof io.vertx.circuitbreaker.TimeoutException) {
      return new LlmFailure("llm did not answer within " + timeoutMs() + " ms");
    }
    return new LlmFailure("llm cannot be reached (" + failure.getMessage() + ")");
  }

  private long timeoutMs() {
    return settings.getLong("timeout_ms");
  }
}
