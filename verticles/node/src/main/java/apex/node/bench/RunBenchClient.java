package apex.node.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's browser: the real REST API for an account and the real WebSocket for runs, used
 * from the bench's thread with blocking waits. It runs on its own Vert.x so it shares no event loop
 * with the node it measures.
 */
final class RunBenchClient implements AutoCloseable {
  private static final int CONNECT_ATTEMPTS = 3;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http;
  private final int port;
  private final long waitSeconds;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private WebSocket socket;

  /** What logging in answered. */
  record Account(String userId, String accessToken) {}

  /** One run as the socket saw it: every frame from run_accepted to run_completed or run_failed. */
  record Run(long elapsedNanos, List<JsonObject> frames) {
    JsonObject last() {
      return frames.get(frames.size() - 1);
    }

    boolean completed() {
      return "run_completed".equals(last().getString("type"));
    }
  }

  RunBenchClient(int port, long waitSeconds) {
    this.port = port;
    this.waitSeconds = waitSeconds;
    // No keep-alive: the two REST calls lie minutes apart (the load is between them), and a pooled
    // connection the server has since closed only adds noise.
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(false));
  }

  /** Signs up {@code email} (201) and returns its user id. */
  String signup(String email, String password) {
    return auth("/api/auth/signup", 201, email, password).userId();
  }

  Account login(String email, String password) {
    return auth("/api/auth/login", 200, email, password);
  }

  private Account auth(String path, int expected, String email, String password) {
    JsonObject body = new JsonObject().put("email", email).put("password", password);
    JsonObject answer = await(http.request(HttpMethod.POST, path)
        .compose(request -> request.putHeader("content-type", "application/json").send(body.toBuffer()))
        .compose(response -> response.body().map(buffer -> {
          if (response.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + buffer);
          }
          return buffer.toJsonObject();
        })));
    return new Account(answer.getString("user_id"), answer.getString("access_token"));
  }

  /**
   * Opens {@code /ws} with the bearer subprotocol and waits for {@code connection_ready}; a handshake
   * the connection drops is tried again, twice at most, and said so.
   */
  void connect(String accessToken) {
    WebSocketConnectOptions options = wsOptions(port, accessToken);
    for (int attempt = 1; socket == null; attempt++) {
      try {
        // Handlers go on in the connect callback, before any frame is read.
        socket = await(vertx.createWebSocketClient().connect(options).map(ws -> {
          ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
          return ws;
        }));
      } catch (RuntimeException e) {
        if (attempt == CONNECT_ATTEMPTS) {
          throw e;
        }
        System.err.println("apex bench run: WebSocket handshake failed (" + e.getMessage() + "), trying again");
      }
    }
    JsonObject ready = next();
    if (!"connection_ready".equals(ready.getString("type"))) {
      throw new IllegalStateException("expected connection_ready, got " + ready.encode());
    }
  }

  /** {@code /ws} on 127.0.0.1:{@code port}, authenticated by the {@code bearer.<jwt>} subprotocol. */
  static WebSocketConnectOptions wsOptions(int port, String accessToken) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .addSubProtocol("bearer." + accessToken);
  }

  /** Sends {@code question} and times it from the send to the run's last frame. */
  Run ask(String clientMsgId, String question) {
    frames.clear();
    JsonObject message = new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId)
        .put("text", question);
    long start = System.nanoTime();
    await(socket.writeTextMessage(message.encode()));
    List<JsonObject> seen = new ArrayList<>();
    while (true) {
      JsonObject frame = next();
      String type = frame.getString("type");
      if ("error".equals(type)) {
        throw new IllegalStateException("the server refused the question: " + frame.encode());
      }
      seen.add(frame);
      if ("run_completed".equals(type) || "run_failed".equals(type)) {
        return new Run(System.nanoTime() - start, seen);
      }
    }
  }

  private JsonObject next() {
    try {
      JsonObject frame = frames.poll(waitSeconds, TimeUnit.SECONDS);
      if (frame == null) {
        throw new IllegalStateException("no frame from the server within " + waitSeconds + " s");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for a frame", e);
    }
  }

  private <T> T await(Future<T> future) {
    return future.timeout(waitSeconds, TimeUnit.SECONDS).await();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
