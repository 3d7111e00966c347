package apex.bus;

import apex.node.NodeLauncher;
import apex.node.Role;
import apex.runtime.TestServices;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real node for the CLI's tests (every verticle, the dev profile's seeded accounts, embedded
 * PostgreSQL and Redis, the bridge on a free port), the real auth REST API for tokens, and a way
 * to run {@code apex-bus} in-process and read its exit code and output.
 */
final class MeshUnderTest {
  static final long WAIT_SECONDS = 60;

  record Result(int exit, String out, String err) {}

  final NodeLauncher.RunningNode node;
  final int bridgePort;
  final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  MeshUnderTest(Map<String, String> settings) throws IOException {
    this(settings, Role.all());
  }

  /** A node running {@code roles} only (the others may run on nodes of the same cluster). */
  MeshUnderTest(Map<String, String> settings, List<Role> roles) throws IOException {
    bridgePort = freePort();
    Map<String, String> all = new HashMap<>(Map.of("profile", "dev", "http.port", "0",
        "inspector.port", String.valueOf(bridgePort)));
    all.putAll(settings);
    node = await(NodeLauncher.start(TestServices.config(all), roles, 1));
    url = "http://127.0.0.1:" + node.httpPort();
  }

  void close() {
    await(node.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** apex-bus with {@code env}, against this node's bridge unless the arguments say otherwise. */
  Result run(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("APEX_BUS_PORT", String.valueOf(bridgePort));
    environment.putIfAbsent("APEX_BUS_URL", url);
    environment.putIfAbsent("NO_COLOR", "1");
    int exit = ApexBus.commandLine(environment, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  Result withToken(String token, String... args) {
    return run(Map.of("APEX_BUS_TOKEN", token, "APEX_BUS_HOME", Path.of("target", "no-login").toString()), "", args);
  }

  JsonObject post(String path, JsonObject body, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body()).put("_status", response.statusCode());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(path + ": " + e, e);
    }
  }

  String login(String email, String password) {
    return post("/api/auth/login", new JsonObject().put("email", email).put("password", password), null)
        .getString("access_token");
  }

  String signup(String email, String password) {
    return post("/api/auth/signup", new JsonObject().put("email", email).put("password", password), null)
        .getString("access_token");
  }

  /** Asks the chat question over a real WebSocket and answers the run's {@code run_completed} event. */
  JsonObject runAnalysis(String userToken) {
    String ticket = post("/api/ws-ticket", new JsonObject(), userToken).getString("ticket");
    CompletableFuture<JsonObject> completed = new CompletableFuture<>();
    // The handler goes on in the connect callback, on the socket's event loop, before connection_ready is read.
    WebSocket socket = await(node.vertx().createWebSocketClient().connect(new WebSocketConnectOptions()
        .setPort(node.httpPort()).setHost("127.0.0.1").setURI("/ws?ticket=" + ticket)).map(ws -> ws.textMessageHandler(text -> {
          JsonObject frame = new JsonObject(text);
          switch (frame.getString("type")) {
            case "connection_ready" -> ws.writeTextMessage(new JsonObject().put("type", "user_message")
                .put("client_msg_id", "cli-" + System.nanoTime()).put("text", "Analyze my AI costs for the last 30 days")
                .encode());
            case "run_completed" -> completed.complete(frame);
            case "run_failed", "error" -> completed.completeExceptionally(new AssertionError(text));
            default -> { }
          }
        })));
    try {
      return completed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the run did not complete: " + e, e);
    } finally {
      socket.close();
    }
  }
}
