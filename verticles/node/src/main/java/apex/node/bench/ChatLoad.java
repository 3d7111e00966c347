package apex.node.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load: many WebSocket clients on one Vert.x of the harness's own, each a user who asks
 * {@link RunBench#QUESTION} and, once the run ends, asks again, until it has made its runs. Every
 * time is taken when the frame reaches the client's event loop, not when a thread looks at it.
 * Also the baseline's clients, which do the same with a bare echo server.
 */
final class ChatLoad implements AutoCloseable {
  /** A run that has not ended this long after its {@code user_message} counts as {@code timeout}. */
  static final long RUN_WAIT_MS = 90_000;
  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client;

  /** What a load saw, over all its users. Times in ms from the {@code user_message}. */
  static final class Results {
    final List<Double> acceptedMs = Collections.synchronizedList(new ArrayList<>());
    final List<Double> firstAgentMs = Collections.synchronizedList(new ArrayList<>());
    final List<Double> firstRunMs = Collections.synchronizedList(new ArrayList<>());
    final List<Double> laterRunMs = Collections.synchronizedList(new ArrayList<>());
    /** Client receive time minus the event's {@code ts} (same machine clock, ms resolution). */
    final List<Double> deliveryMs = Collections.synchronizedList(new ArrayList<>());
    /** Echo round trips (the baseline only). */
    final List<Double> roundTripMs = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Integer> errors = Collections.synchronizedMap(new TreeMap<>());
    long elapsedNanos;

    List<Double> completedMs() {
      List<Double> all = new ArrayList<>(firstRunMs);
      all.addAll(laterRunMs);
      return all;
    }

    void error(String kind) {
      errors.merge(kind, 1, Integer::sum);
    }

    int errorCount() {
      return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    double runsPerSecond() {
      return (firstRunMs.size() + laterRunMs.size()) / (elapsedNanos / 1e9);
    }
  }

  ChatLoad(int connections) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(connections)
        .setConnectTimeout(60_000));
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Opens {@code /ws} with {@code accessToken} and completes with the socket once the server sent
   * {@code connection_ready}; frames after that go to whatever handler the caller sets.
   */
  Future<WebSocket> openReady(int port, String accessToken) {
    return client.connect(RunBenchClient.wsOptions(port, accessToken)).compose(socket -> {
      Promise<WebSocket> ready = Promise.promise();
      socket.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        if ("connection_ready".equals(frame.getString("type"))) {
          ready.tryComplete(socket);
        } else {
          ready.tryFail("expected connection_ready, got " + text);
        }
      });
      socket.closeHandler(v -> ready.tryFail("closed before connection_ready: " + socket.closeStatusCode()));
      return ready.future();
    });
  }

  /**
   * Each token's user makes {@code runs} runs, all users at once: back to back when {@code thinkMs}
   * is 0; else the first question within {@code thinkMs}, and each next one 0.5 to 1.5 × {@code
   * thinkMs} (uniform) after the run's end.
   */
  Results chat(int port, List<String> accessTokens, int runs, long thinkMs) {
    Results results = new Results();
    long start = System.nanoTime();
    List<Future<Void>> users = accessTokens.stream().map(token -> openReady(port, token)
        .recover(e -> {
          results.error("connect: " + e.getMessage());
          return Future.failedFuture(e);
        })
        .compose(socket -> new ChatUser(socket, runs, thinkMs, results).done())).toList();
    Future.join(users).otherwiseEmpty().await();
    results.elapsedNanos = System.nanoTime() - start;
    return results;
  }

  /** {@code clients} sockets to the echo server, each making {@code roundTrips} round trips back to back. */
  Results echo(int port, int clients, int roundTrips) {
    Results results = new Results();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/");
    long start = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      all.add(client.connect(options).compose(socket -> echoLoop(socket, roundTrips, results)));
    }
    Future.join(all).otherwiseEmpty().await();
    results.elapsedNanos = System.nanoTime() - start;
    all.stream().filter(Future::failed).forEach(f -> results.error("echo: " + f.cause().getMessage()));
    return results;
  }

  private Future<Void> echoLoop(WebSocket socket, int roundTrips, Results results) {
    Promise<Void> done = Promise.promise();
    // The same frame a user sends, so both carry the same bytes.
    String frame = userMessage(UUID.randomUUID().toString()).encode();
    long[] sent = new long[1];
    int[] left = {roundTrips};
    socket.textMessageHandler(text -> {
      results.roundTripMs.add((System.nanoTime() - sent[0]) / 1e6);
      if (--left[0] == 0) {
        socket.close();
        done.complete();
      } else {
        sent[0] = System.nanoTime();
        socket.writeTextMessage(frame);
      }
    });
    socket.closeHandler(v -> done.tryFail("echo socket closed"));
    sent[0] = System.nanoTime();
    socket.writeTextMessage(frame);
    return done.future();
  }

  static JsonObject userMessage(String clientMsgId) {
    return new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId)
        .put("text", RunBench.QUESTION);
  }

  /** One user's runs, one after another, on one socket; all of it on the socket's event loop. */
  private final class ChatUser {
    private final WebSocket socket;
    private final Results results;
    private final Promise<Void> done = Promise.promise();
    private final long thinkMs;
    private int left;
    private int made;
    private String clientMsgId;
    /** The current run's id, from its run_accepted; events of a run the client gave up on are not its. */
    private String runId;
    private long sentNanos;
    private boolean agentSeen;
    private long timer = -1;

    ChatUser(WebSocket socket, int runs, long thinkMs, Results results) {
      this.socket = socket;
      this.left = runs;
      this.thinkMs = thinkMs;
      this.results = results;
      socket.textMessageHandler(this::frame);
      socket.closeHandler(v -> {
        if (left > 0) {
          results.error("socket closed (" + socket.closeStatusCode() + ")");
          finish();
        }
      });
      if (thinkMs > 0) {
        // Users who pause do not all start at once: each first question comes within one pause.
        timer = vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(thinkMs), t -> ask());
      } else {
        ask();
      }
    }

    Future<Void> done() {
      return done.future();
    }

    private void ask() {
      if (left == 0) {
        finish();
        socket.close();
        return;
      }
      left--;
      clientMsgId = "bench-" + UUID.randomUUID();
      runId = null;
      agentSeen = false;
      timer = vertx.setTimer(RUN_WAIT_MS, t -> {
        results.error("timeout (no run end within " + RUN_WAIT_MS / 1000 + " s)");
        ask();
      });
      sentNanos = System.nanoTime();
      socket.writeTextMessage(userMessage(clientMsgId).encode());
    }

    private void frame(String text) {
      long now = System.nanoTime();
      long nowMillis = System.currentTimeMillis();
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      String ts = frame.getString("ts");
      if (ts != null && frame.containsKey("seq")) {
        results.deliveryMs.add((double) (nowMillis - Instant.parse(ts).toEpochMilli()));
      }
      boolean current = clientMsgId.equals(frame.getString("client_msg_id", frame.getString("ref")));
      if ("run_accepted".equals(type) && current) {
        runId = frame.getString("run_id");
      } else if (frame.containsKey("seq") && !frame.getString("run_id").equals(runId)) {
        return; // a run this user no longer waits for (it timed out here)
      }
      double ms = (now - sentNanos) / 1e6;
      switch (type) {
        case "run_accepted" -> {
          if (current) {
            results.acceptedMs.add(ms);
          }
        }
        case "agent_started" -> {
          if (!agentSeen) {
            agentSeen = true;
            results.firstAgentMs.add(ms);
          }
        }
        case "run_completed" -> ended(made++ == 0 ? results.firstRunMs : results.laterRunMs, ms);
        case "run_failed" -> {
          results.error("run_failed: " + frame.getString("code"));
          ended(null, ms);
        }
        case "error" -> {
          results.error("error frame: " + frame.getString("code"));
          if (current) { // the message started no run: wait as told, then go on
            vertx.cancelTimer(timer);
            vertx.setTimer(Math.max(1, frame.getLong("retry_after_ms", 1L)), t -> ask());
          }
        }
        default -> { }
      }
    }

    private void ended(List<Double> into, double ms) {
      if (into != null) {
        into.add(ms);
      }
      vertx.cancelTimer(timer);
      if (thinkMs > 0 && left > 0) {
        // Half to one and a half pauses, so the users do not fall into step.
        timer = vertx.setTimer(thinkMs / 2 + ThreadLocalRandom.current().nextLong(thinkMs), t -> ask());
      } else {
        ask();
      }
    }

    private void finish() {
      vertx.cancelTimer(timer);
      done.tryComplete();
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
