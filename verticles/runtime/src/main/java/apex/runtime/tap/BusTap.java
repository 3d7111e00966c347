package apex.runtime.tap;

import apex.contracts.Addresses;
import apex.contracts.Contract;
import apex.contracts.tap.AddressPattern;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node's tap: an outbound and an inbound event-bus interceptor that, while a session is on,
 * mirror matching messages to {@code apex.tap.events} (node, time, address, kind, headers, body,
 * credentials redacted). With no session on, each interceptor reads one volatile flag and passes
 * the message on. It never mirrors its own addresses ({@code apex.tap.*}).
 *
 * <p>Each message is mirrored once, by the node that sends it (outbound). A reply goes to a
 * generated address, so the inbound side remembers the reply address of each matching request
 * that arrives here, and the reply sent from here is shown as the reply to that request.
 */
public final class BusTap {
  private static final Logger LOG = LoggerFactory.getLogger(BusTap.class);
  private static final String OWN_PREFIX = "apex.tap.";
  private static final String INTERNAL_PREFIX = "__vertx.";
  private static final int MAX_SESSIONS = 32;
  private static final int MAX_PENDING_REPLIES = 10_000;

  private final Vertx vertx;
  private final String nodeId;
  private final Map<String, TapSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, Long> timers = new ConcurrentHashMap<>();
  /** Reply address → the address of the request it answers, for matching requests only. */
  private final Map<String, String> pendingReplies = new ConcurrentHashMap<>();
  private volatile boolean on;

  private BusTap(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
  }

  /** Installs the tap on this node's event bus; off until a session is switched on. */
  public static void install(Vertx vertx, String nodeId) {
    BusTap tap = new BusTap(vertx, nodeId);
    vertx.eventBus().addOutboundInterceptor(tap::outbound);
    vertx.eventBus().addInboundInterceptor(tap::inbound);
    vertx.eventBus().<JsonObject>consumer(Addresses.TAP_CONTROL, message -> tap.control(message.body()));
  }

  private void control(JsonObject body) {
    if (body == null) {
      return;
    }
    String id = body.getString("session");
    if (Boolean.TRUE.equals(body.getBoolean("off"))) {
      end(id);
      return;
    }
    TapSession session;
    try {
      session = TapSession.parse(body);
    } catch (IllegalArgumentException e) {
      LOG.warn("tap control refused: {}", e.getMessage());
      return;
    }
    if (!sessions.containsKey(session.id()) && sessions.size() >= MAX_SESSIONS) {
      LOG.warn("tap control refused: {} sessions already on", MAX_SESSIONS);
      return;
    }
    sessions.put(session.id(), session);
    Long previous = timers.put(session.id(), vertx.setTimer(session.durationMs(), t -> end(session.id())));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
    on = true;
    LOG.info("tap session {} on for {} ms: {} (sample rate {})", session.id(), session.durationMs(),
        session.patterns(), session.sampleRate());
  }

  private void end(String id) {
    if (id == null || sessions.remove(id) == null) {
      return;
    }
    Long timer = timers.remove(id);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    on = !sessions.isEmpty();
    if (!on) {
      pendingReplies.clear();
    }
    LOG.info("tap session {} off", id);
  }

  private void inbound(DeliveryContext<Object> context) {
    if (on) {
      Message<Object> message = context.message();
      String replyAddress = message.replyAddress();
      if (replyAddress != null && !ownOrInternal(message.address()) && sampled(message.address()) != null
          && pendingReplies.size() < MAX_PENDING_REPLIES) {
        pendingReplies.put(replyAddress, message.address());
      }
    }
    context.next();
  }

  private void outbound(DeliveryContext<Object> context) {
    if (!on) {
      context.next();
      return;
    }
    JsonObject mirror = mirror(context);
    context.next();
    if (mirror != null) {
      vertx.eventBus().publish(Addresses.TAP_EVENTS, mirror);
    }
  }

  /** The envelope for a message this tap should show, or null. */
  private JsonObject mirror(DeliveryContext<Object> context) {
    Message<Object> message = context.message();
    String address = message.address();
    if (address == null || address.startsWith(OWN_PREFIX)) {
      return null;
    }
    String answered = pendingReplies.remove(address);
    String kind;
    String shownAddress;
    if (answered != null) {
      kind = context.body() instanceof ReplyException ? "failure" : "reply";
      shownAddress = answered;
    } else if (address.startsWith(INTERNAL_PREFIX) || sampled(address) == null) {
      return null;
    } else {
      kind = !context.send() ? "publish" : message.replyAddress() != null ? "request" : "send";
      shownAddress = address;
      if (message.replyAddress() != null && pendingReplies.size() < MAX_PENDING_REPLIES) {
        pendingReplies.put(message.replyAddress(), address);
      }
    }
    return new JsonObject()
        .put("node_id", nodeId)
        .put("ts", Instant.now().toString())
        .put("address", shownAddress)
        .put("kind", kind)
        .put("headers", headers(message.headers()))
        .put("body", body(context.body()));
  }

  /** The session that picks this message (pattern and sample), or null. */
  private TapSession sampled(String address) {
    for (TapSession session : sessions.values()) {
      if (AddressPattern.anyMatches(session.patterns(), address)
          && (session.sampleRate() >= 1 || ThreadLocalRandom.current().nextDouble() < session.sampleRate())) {
        return session;
      }
    }
    return null;
  }

  private static boolean ownOrInternal(String address) {
    return address == null || address.startsWith(OWN_PREFIX) || address.startsWith(INTERNAL_PREFIX);
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject json = new JsonObject();
    headers.forEach(h -> json.put(h.getKey(), Redaction.isSecret(h.getKey()) ? Redaction.REDACTED : h.getValue()));
    return json;
  }

  private static Object body(Object body) {
    if (body instanceof JsonObject || body instanceof JsonArray) {
      return Redaction.redact(body);
    }
    if (body instanceof Contract contract) {
      return Redaction.redact(contract.toJson());
    }
    if (body instanceof ReplyException failure) {
      return new JsonObject().put("failure_code", failure.failureCode()).put("failure_type", failure.failureType().name())
          .put("message", failure.getMessage());
    }
    if (body instanceof Buffer buffer) {
      return "(" + buffer.length() + " bytes)";
    }
    if (body == null || body instanceof String || body instanceof Number || body instanceof Boolean) {
      return body;
    }
    return String.valueOf(body);
  }
}
