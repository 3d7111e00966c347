package apex.node.chaos;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One simulated browser user on its own thread: signs up and logs in through the REST API, uploads
 * its usage, then asks one question after another over {@code /ws}. When its socket drops it
 * reconnects to any edge that answers (a ticket, or the bearer subprotocol while tickets are
 * unavailable) and sends {@code resume} with the last seq it saw, as the chat page does; a question
 * not yet acknowledged is sent again with the same {@code client_msg_id}. Every event received is
 * counted in the run's {@link RunRecord}.
 */
final class ChaosUser implements Runnable {
  static final String QUESTION = "Analyze my AI costs for the last 30 days";
  /** A run that shows nothing for this long is asked for again ({@code resume} on the same socket). */
  private static final long QUIET_MS = 10_000;
  /** Access tokens live 15 minutes; log in again well before. */
  private static final long TOKEN_MAX_AGE_MS = 600_000;
  private static final int MAX_START_ATTEMPTS = 40;

  private sealed interface Inbound permits Text, Closed {}

  private record Text(int socket, JsonObject frame) implements Inbound {}

  private record Closed(int socket) implements Inbound {}

  final String email;
  private final String password = UUID.randomUUID().toString(); // a throw-away account on throw-away databases
  private final int index;
  private final List<Integer> edges;
  private final WebSocketClient wsClient;
  private final HttpClient http;
  private final LongSupplier clock;
  private final List<RunRecord> ledger;
  private final BlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
  private final Map<String, RunRecord> byRunId = new ConcurrentHashMap<>();
  private final AtomicInteger reconnects = new AtomicInteger();
  private final AtomicInteger foreignEvents = new AtomicInteger();
  private volatile boolean stopStarting;
  private volatile boolean halted;
  private String accessToken;
  private long tokenAt;
  private WebSocket socket;
  private int socketId;
  private int edgeCursor;
  private RunRecord current;
  private int startAttempts;
  private long nextActionAt;
  private long nudgedAt;

  ChaosUser(int index, List<Integer> edges, WebSocketClient wsClient, HttpClient http, LongSupplier clock,
            List<RunRecord> ledger) {
    this.index = index;
    this.email = "chaos-" + index + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    this.edges = edges;
    this.wsClient = wsClient;
    this.http = http;
    this.clock = clock;
    this.ledger = ledger;
    this.edgeCursor = index % edges.size();
  }

  /** Signs up through the edge this user prefers and uploads {@code csv} as its usage. */
  void enrol(String csv) throws IOException, InterruptedException {
    int port = edges.get(edgeCursor);
    HttpResponse<String> signup = post(port, "/api/auth/signup", "application/json",
        new JsonObject().put("email", email).put("password", password).encode(), null);
    expect(signup, 201, "signup");
    HttpResponse<String> upload = post(port, "/api/usage?filename=usage.csv", "text/csv", csv, token(port));
    expect(upload, 201, "upload");
  }

  /** Ends the loop once the run in progress has ended; {@link #halt()} ends it at once. */
  void stopStarting() {
    stopStarting = true;
  }

  void halt() {
    halted = true;
  }

  int reconnects() {
    return reconnects.get();
  }

  int foreignEvents() {
    return foreignEvents.get();
  }

  /** The edge this user's socket is on now, or -1. */
  synchronized int edgePort() {
    return socket == null ? -1 : edges.get(edgeCursor);
  }

  @Override
  public void run() {
    try {
      while (!halted && !(stopStarting && current == null)) {
        step();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeSocket();
    }
  }

  private void step() throws InterruptedException {
    if (socket == null) {
      connect();
      return;
    }
    long now = clock.getAsLong();
    if (current == null && now >= nextActionAt) {
      current = new RunRecord(email, "chaos-" + UUID.randomUUID(), now);
      ledger.add(current);
      startAttempts = 0;
      ask();
    } else if (current != null && now >= nextActionAt && nextActionAt > 0) {
      nextActionAt = 0;
      if (current.runId() == null) {
        ask();
      } else {
        resume();
      }
    } else if (current != null && current.runId() != null && nextActionAt == 0
        && now - Math.max(current.lastFrameAt(), nudgedAt) > QUIET_MS) {
      nudgedAt = now;
      resume();
    }
    Inbound item = inbox.poll(100, TimeUnit.MILLISECONDS);
    if (item instanceof Closed closed && closed.socket() == socketId) {
      closeSocket();
    } else if (item instanceof Text text) {
      onFrame(text.frame());
    }
  }

  private void onFrame(JsonObject frame) {
    String type = frame.getString("type", "");
    long now = clock.getAsLong();
    switch (type) {
      case "run_accepted" -> {
        if (current != null && current.clientMsgId.equals(frame.getString("client_msg_id"))) {
          current.accepted(frame.getString("run_id"), now);
          byRunId.put(frame.getString("run_id"), current);
        }
      }
      case "error" -> onError(frame, now);
      case "connection_ready", "pong" -> { }
      default -> onEvent(frame, now);
    }
  }

  private void onEvent(JsonObject event, long now) {
    RunRecord run = byRunId.get(event.getString("run_id", ""));
    if (run == null || event.getValue("seq") == null) {
      foreignEvents.incrementAndGet();
      return;
    }
    boolean ended = run.event(event.getLong("seq"), event.getString("type"), event.getBoolean("degraded", false),
        event.getString("code"), now);
    if (ended && run == current) {
      current = null;
      nextActionAt = now + ThreadLocalRandom.current().nextLong(200, 800);
    }
  }

  /** A refused question is asked again (same id, so at most one run); a refused resume is tried again. */
  private void onError(JsonObject frame, long now) {
    if (current == null) {
      return;
    }
    String ref = frame.getString("ref");
    if (current.clientMsgId.equals(ref) && current.runId() == null) {
      if (++startAttempts >= MAX_START_ATTEMPTS) {
        ledger.remove(current); // never started: the server kept refusing it, which the counts of refusals show
        current = null;
        return;
      }
      long wait = Math.min(2000, frame.getLong("retry_after_ms", 1000L));
      nextActionAt = now + wait;
    } else if (ref != null && ref.equals(current.runId())) {
      nextActionAt = now + 1000;
    }
  }

  private void ask() {
    send(new JsonObject().put("type", "user_message").put("client_msg_id", current.clientMsgId).put("text", QUESTION));
  }

  private void resume() {
    send(new JsonObject().put("type", "resume").put("run_id", current.runId()).put("after_seq", current.maxSeq()));
  }

  private void send(JsonObject frame) {
    WebSocket ws = socket;
    if (ws != null) {
      ws.writeTextMessage(frame.encode());
    }
  }

  /** Opens a socket on the next edge that answers; then picks up where the run in progress was. */
  private void connect() throws InterruptedException {
    for (int tried = 0; !halted; tried++) {
      int port = edges.get(edgeCursor);
      try {
        open(port);
        if (current != null) {
          if (current.runId() == null) {
            ask();
          } else {
            resume();
          }
        }
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        synchronized (this) {
          edgeCursor = (edgeCursor + 1) % edges.size();
        }
        if (tried % edges.size() == edges.size() - 1) {
          Thread.sleep(250);
        }
      }
    }
  }

  private void open(int port) throws IOException, InterruptedException {
    String token = token(port);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setTimeout(3000);
    String ticket = ticket(port, token);
    if (ticket != null) {
      options.setURI("/ws?ticket=" + ticket);
    } else {
      options.setURI("/ws").addSubProtocol("bearer." + token);
    }
    int id = socketId + 1;
    BlockingQueue<JsonObject> greeting = new LinkedBlockingQueue<>();
    WebSocket ws = wsClient.connect(options).map(w -> {
      w.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        if ("connection_ready".equals(frame.getString("type"))) {
          greeting.add(frame);
        }
        inbox.add(new Text(id, frame));
      });
      w.closeHandler(v -> inbox.add(new Closed(id)));
      w.exceptionHandler(e -> inbox.add(new Closed(id)));
      return w;
    }).timeout(5, TimeUnit.SECONDS).await();
    if (greeting.poll(5, TimeUnit.SECONDS) == null) {
      ws.close();
      throw new IOException("no connection_ready from " + port);
    }
    synchronized (this) {
      socketId = id;
      socket = ws;
    }
    if (id > 1) {
      reconnects.incrementAndGet();
    }
  }

  private synchronized void closeSocket() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }

  private String token(int port) throws IOException, InterruptedException {
    if (accessToken == null || clock.getAsLong() - tokenAt > TOKEN_MAX_AGE_MS) {
      HttpResponse<String> login = post(port, "/api/auth/login", "application/json",
          new JsonObject().put("email", email).put("password", password).encode(), null);
      expect(login, 200, "login");
      accessToken = new JsonObject(login.body()).getString("access_token");
      tokenAt = clock.getAsLong();
    }
    return accessToken;
  }

  /** A single-use ticket, or null when tickets are unavailable (Redis away): then the bearer subprotocol. */
  private String ticket(int port, String token) throws IOException, InterruptedException {
    HttpResponse<String> answer = post(port, "/api/ws-ticket", "application/json", "", token);
    return answer.statusCode() == 200 ? new JsonObject(answer.body()).getString("ticket") : null;
  }

  private HttpResponse<String> post(int port, String path, String contentType, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** {@code GET /api/runs/{id}} as this user: the run's stored status, or null when it cannot be read. */
  String storedStatus(int port, String runId) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/runs/" + runId)).timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token(port))
        .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (answer.statusCode() == 404) {
      return "not_found";
    }
    return answer.statusCode() == 200 ? new JsonObject(answer.body()).getString("status") : null;
  }

  private static void expect(HttpResponse<String> response, int status, String what) throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(what + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
