package apex.bridge;

import apex.contracts.Addresses;
import apex.contracts.ContractJson;
import apex.contracts.ErrorCode;
import apex.contracts.Schemas;
import apex.contracts.auth.VerifiedUser;
import apex.contracts.browser.ClientFrames;
import apex.contracts.browser.Frame;
import apex.contracts.browser.ServerFrames;
import apex.contracts.run.OwnedQuery;
import apex.contracts.run.RunAccepted;
import apex.contracts.run.StartRun;
import apex.runtime.bus.BusCalls;
import apex.runtime.events.EventLog;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.limits.LocalBucket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One authenticated browser socket. Every inbound frame is checked (size, JSON, schema) and a bad
 * one is answered with an {@code error} frame naming the problem, the socket staying open. The user
 * id is the verified one bound at the handshake, never one a frame names. Run events reach the
 * browser through one {@link RunStream} per run: exactly once, in seq order, gaps filled from the
 * run's log.
 */
final class ClientSocket {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSocket.class);
  private static final long GAP_WAIT_MS = 250;
  /**
   * How long a run this socket has not heard of is held before it is shown from its first event: a
   * client that reconnects sends {@code resume} at once, and a live event of its run can reach the
   * new socket first; shown from seq 1, it would repeat everything the client already has (the
   * chaos harness saw 50 such events after an edge was killed).
   */
  private static final long UNKNOWN_RUN_HOLD_MS = 1000;
  /** A hint when a run limit (per user, or the node's bound) refuses a message: runs take about a second. */
  private static final long RUN_LIMIT_RETRY_MS = 2000;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final VerifiedUser user;
  private final BusCalls calls;
  private final EventLog log;
  private final int maxFrameBytes;
  private final String connectionId = UUID.randomUUID().toString();
  private final Map<String, RunStream> streams = new HashMap<>();
  private final LocalBucket frames;
  private final ApexMetrics metrics;
  private int startsInFlight;
  private long expiryTimer = -1;

  ClientSocket(Vertx vertx, ServerWebSocket ws, VerifiedUser user, BusCalls calls, EventLog log, int maxFrameBytes,
               LocalBucket frames) {
    this.vertx = vertx;
    this.metrics = ApexMetrics.of(vertx);
    this.ws = ws;
    this.user = user;
    this.calls = calls;
    this.log = log;
    this.maxFrameBytes = maxFrameBytes;
    this.frames = frames;
  }

  String userId() {
    return user.userId();
  }

  /** The login session of the token this socket was opened with. */
  String sessionId() {
    return user.sid();
  }

  /** Greets the client and arms the close at the access token's expiry; {@code onClose} runs once closed. */
  void open(Runnable onClose) {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> sendError(ErrorCode.INVALID_FRAME, "binary frames are not accepted; send JSON text", null));
    ws.closeHandler(v -> {
      vertx.cancelTimer(expiryTimer);
      onClose.run();
    });
    send(new ServerFrames.ConnectionReady(connectionId, user.userId(), ServerFrames.PROTOCOL_VERSION));
    long untilExpiry = user.expiresAt() * 1000 - System.currentTimeMillis();
    expiryTimer = vertx.setTimer(Math.max(1, untilExpiry), t -> end(ErrorCode.TOKEN_EXPIRED,
        "your access token expired; refresh it and reconnect with resume"));
  }

  /** The token behind this socket was revoked (logout): tell the client and close. */
  void revoked() {
    end(ErrorCode.TOKEN_REVOKED, "you were logged out");
  }

  private void end(ErrorCode code, String message) {
    sendError(code, message, null);
    ws.close((short) 1008, code.wire());
  }

  void ping() {
    ws.writePing(io.vertx.core.buffer.Buffer.buffer("apex"));
  }

  private void onText(String text) {
    long wait = frames.take();
    if (wait > 0) {
      send(new ServerFrames.ErrorFrame(ErrorCode.RATE_LIMITED.wire(), "too many frames; slow down", null, wait));
      return;
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxFrameBytes) {
      sendError(ErrorCode.FRAME_TOO_LARGE, "frame is " + bytes + " bytes; the limit is " + maxFrameBytes, null);
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      sendError(ErrorCode.INVALID_FRAME, "frame is not a JSON object", null);
      return;
    }
    String type = frame.getValue("type") instanceof String t ? t : null;
    String ref = frame.getValue("client_msg_id") instanceof String id ? id : type;
    if (type == null) {
      sendError(ErrorCode.UNKNOWN_TYPE, "frame has no \"type\"", null);
      return;
    }
    if (!List.of(ClientFrames.USER_MESSAGE, ClientFrames.STOP_AGENT, ClientFrames.RESUME,
        ClientFrames.GET_THREAD_HISTORY, ClientFrames.PING).contains(type)) {
      sendError(ErrorCode.UNKNOWN_TYPE, "unknown frame type \"" + type + "\"", type);
      return;
    }
    if (ClientFrames.USER_MESSAGE.equals(type) && frame.getValue("text") instanceof String t && t.isBlank()) {
      sendError(ErrorCode.EMPTY_MESSAGE, "text: the message is empty", ref);
      return;
    }
    List<String> problems = Schemas.get().problems(Schemas.CLIENT_FRAME, frame);
    if (!problems.isEmpty()) {
      sendError(ErrorCode.INVALID_FRAME, type + ": " + String.join("; ", problems), ref);
      return;
    }
    switch (type) {
      case ClientFrames.USER_MESSAGE -> userMessage(ContractJson.fromJson(frame, ClientFrames.UserMessage.class));
      case ClientFrames.STOP_AGENT -> vertx.eventBus().publish(Addresses.SUPERVISOR_STOP,
          new OwnedQuery(user.userId(), frame.getString("run_id")).toJson());
      case ClientFrames.RESUME -> resume(ContractJson.fromJson(frame, ClientFrames.Resume.class));
      case ClientFrames.GET_THREAD_HISTORY -> history(frame.getString("thread_id"));
      default -> send(new ServerFrames.Pong());
    }
  }

  private void userMessage(ClientFrames.UserMessage message) {
    startsInFlight++;
    StartRun start = new StartRun(user.userId(), message.clientMsgId(), message.threadId(), message.text());
    calls.request("supervisor", Addresses.SUPERVISOR_START, start.toJson(), new DeliveryOptions())
        .map(json -> ContractJson.fromJson(json, RunAccepted.class))
        .onComplete(done -> {
          startsInFlight--;
          if (done.succeeded()) {
            send(done.result());
            RunStream stream = streams.computeIfAbsent(done.result().runId(), id -> new RunStream(1, true));
            deliver(done.result().runId(), stream, stream.open());
          } else if (ErrorCode.of(done.cause()) == ErrorCode.RATE_LIMITED || ErrorCode.of(done.cause()) == ErrorCode.BUSY) {
            send(new ServerFrames.ErrorFrame(ErrorCode.of(done.cause()).wire(), done.cause().getMessage(),
                message.clientMsgId(), RUN_LIMIT_RETRY_MS));
          } else {
            sendError(ErrorCode.of(done.cause()), done.cause().getMessage(), message.clientMsgId());
          }
          if (startsInFlight == 0) {
            streams.forEach((runId, stream) -> {
              if (!stream.isOpen()) {
                deliver(runId, stream, stream.open());
              }
            });
          }
        });
  }

  /** A run event for this user, published by whichever node emitted it. */
  void onEvent(JsonObject event) {
    String runId = event.getString("run_id");
    // A run this socket did not start (another tab) is shown from its beginning, after a short hold
    // in which a resume can say what the client has (UNKNOWN_RUN_HOLD_MS); while a start is in flight
    // it is held too, so run_accepted always precedes the run's first event.
    RunStream stream = streams.computeIfAbsent(runId, id -> {
      RunStream held = new RunStream(1, false);
      vertx.setTimer(UNKNOWN_RUN_HOLD_MS, t -> {
        if (startsInFlight == 0 && !held.isOpen() && streams.get(runId) == held) {
          deliver(runId, held, held.open());
        }
      });
      return held;
    });
    deliver(runId, stream, stream.offer(event));
  }

  /** An {@code upload_progress} frame for this user's upload: passed on as data published it. */
  void onUploadProgress(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  /**
   * Replays the run after {@code after_seq} from its log, then live. The socket keeps one stream per
   * run: a resume moves it past what the client says it has, and the replay goes through it, so an
   * event this socket already wrote (live events that came in before the resume, an earlier replay
   * while the client asked again) is never written twice.
   */
  private void resume(ClientFrames.Resume resume) {
    String runId = resume.runId();
    boolean known = streams.containsKey(runId);
    RunStream stream = streams.computeIfAbsent(runId, id -> new RunStream(resume.afterSeq() + 1, true));
    stream.skipTo(resume.afterSeq() + 1);
    deliver(runId, stream, stream.open());
    OwnedQuery query = new OwnedQuery(user.userId(), runId);
    calls.request("supervisor", Addresses.SUPERVISOR_RUN, query.toJson(), new DeliveryOptions())
        .compose(owned -> log.range(runId, resume.afterSeq() + 1, 0)
            .recover(e -> Future.failedFuture(ErrorCode.UNAVAILABLE.failure("replay is unavailable: the run's event "
                + "log (Redis) cannot be read; live events still arrive, try resume again shortly"))))
        .onSuccess(events -> events.forEach(e -> deliver(runId, stream, stream.offer(e))))
        .onFailure(e -> {
          if (!known && ErrorCode.of(e) == ErrorCode.NOT_FOUND) {
            streams.remove(runId, stream);
          }
          sendError(ErrorCode.of(e), e.getMessage(), runId);
        });
  }

  private void history(String threadId) {
    calls.request("supervisor", Addresses.SUPERVISOR_THREAD, new OwnedQuery(user.userId(), threadId).toJson(),
            new DeliveryOptions())
        .onSuccess(thread -> ws.writeTextMessage(thread.copy().put("type", "thread_history").encode()))
        .onFailure(e -> sendError(ErrorCode.of(e), e.getMessage(), threadId));
  }

  private void deliver(String runId, RunStream stream, List<JsonObject> ready) {
    ready.forEach(event -> {
      ws.writeTextMessage(event.encode());
      metrics.eventDelivered();
    });
    if (stream.gapStart() > 0) {
      long from = stream.gapStart();
      vertx.setTimer(GAP_WAIT_MS, t -> fillGap(runId, stream, from));
    }
  }

  /** Still missing after a short wait (lost or slow on another path): read it from the log. */
  private void fillGap(String runId, RunStream stream, long from) {
    if (stream.gapStart() != from) {
      return;
    }
    log.range(runId, from, stream.gapEnd())
        .onSuccess(events -> events.forEach(e -> deliver(runId, stream, stream.offer(e))))
        .onFailure(e -> LOG.warn("gap fill for run {} failed: {}", runId, e.getMessage()));
  }

  private void send(Frame frame) {
    ws.writeTextMessage(frame.toJson().encode());
  }

  private void sendError(ErrorCode code, String message, String ref) {
    send(new ServerFrames.ErrorFrame(code.wire(), message == null ? code.wire() : message, ref));
  }
}
