package apex.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser's view of Apex for tests: REST over HTTP and a real WebSocket, used from the test
 * thread with blocking waits so each test reads top to bottom.
 */
final class ApexClient implements AutoCloseable {
  static final long WAIT_SECONDS = 30;

  private final Vertx vertx = Vertx.vertx();
  private final WebClient http;
  private final WebSocketClient wsClient;
  private final int port;

  ApexClient(int port) {
    this.port = port;
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    // Tests hold many sockets at once (the default allows 50 per host).
    wsClient = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setMaxConnections(500));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("waited for " + future + ": " + e, e);
    }
  }

  HttpResponse<Buffer> post(String path, JsonObject body, String token) {
    var request = http.post(path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  /** A request without credentials (health, readiness, metrics). */
  HttpResponse<Buffer> get(String path) {
    return await(http.get(path).send());
  }

  HttpResponse<Buffer> get(String path, String token) {
    return await(http.get(path).putHeader("Authorization", "Bearer " + token).send());
  }

  String login(String email, String password) {
    HttpResponse<Buffer> response = post("/api/auth/login",
        new JsonObject().put("email", email).put("password", password), null);
    if (response.statusCode() != 200) {
      throw new AssertionError("login failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("access_token");
  }

  String signup(String email, String password) {
    HttpResponse<Buffer> response = post("/api/auth/signup",
        new JsonObject().put("email", email).put("password", password), null);
    if (response.statusCode() != 201) {
      throw new AssertionError("signup failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("access_token");
  }

  /** {@code POST /api/usage}: a usage file as the raw body. */
  HttpResponse<Buffer> upload(String token, String body, String contentType) {
    return await(http.post("/api/usage").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)));
  }

  String ticket(String token) {
    return post("/api/ws-ticket", null, token).bodyAsJsonObject().getString("ticket");
  }

  Socket connectWithTicket(String ticket) {
    return connect(new WebSocketConnectOptions().setURI("/ws?ticket=" + ticket));
  }

  Socket connect(WebSocketConnectOptions options) {
    options.setHost("127.0.0.1").setPort(port);
    Socket socket = new Socket();
    // Handlers go on in the connect callback, on the socket's event loop, before any frame is read.
    socket.ws = await(wsClient.connect(options).map(ws -> {
      ws.textMessageHandler(text -> socket.frames.add(new JsonObject(text)));
      ws.closeHandler(v -> socket.closeStatus.add(ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode()));
      return ws;
    }));
    return socket;
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static final class Socket {
    WebSocket ws;
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closeStatus = new LinkedBlockingQueue<>();

    void send(JsonObject frame) {
      await(ws.writeTextMessage(frame.encode()));
    }

    void sendText(String text) {
      await(ws.writeTextMessage(text));
    }

    JsonObject next() {
      try {
        JsonObject frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
          throw new AssertionError("no frame within " + WAIT_SECONDS + " s");
        }
        return frame;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    /** Frames up to and including the first of {@code type}. */
    List<JsonObject> until(String... types) {
      List<JsonObject> seen = new ArrayList<>();
      while (true) {
        JsonObject frame = next();
        seen.add(frame);
        if (List.of(types).contains(frame.getString("type"))) {
          return seen;
        }
      }
    }

    int awaitClose() {
      try {
        Integer status = closeStatus.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (status == null) {
          throw new AssertionError("socket not closed within " + WAIT_SECONDS + " s");
        }
        return status;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
