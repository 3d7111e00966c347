package apex.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client of the TCP event-bus bridge: frames are a 4-byte big-endian length and that many bytes
 * of UTF-8 JSON. Every frame carries the token in {@code headers.token}. One reader thread hands
 * replies to the request waiting for them and messages to the address's handler.
 */
final class BridgeClient implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 5000;
  private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  private final Socket socket;
  private final DataOutputStream out;
  private final String token;
  private final String where;
  private final Map<String, BlockingQueue<JsonObject>> pending = new ConcurrentHashMap<>();
  private final Map<String, Consumer<JsonObject>> handlers = new ConcurrentHashMap<>();
  /** Error frames that name no reply address (a refused register or publish), and pongs. */
  private final BlockingQueue<JsonObject> control = new LinkedBlockingQueue<>();
  private volatile boolean closed;

  private BridgeClient(Socket socket, String token, String where) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(socket.getOutputStream());
    this.token = token;
    this.where = where;
    Thread reader = new Thread(this::read, "apex-bus-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static BridgeClient connect(String host, int port, String token) {
    String where = host + ":" + port;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return new BridgeClient(socket, token, where);
    } catch (ConnectException e) {
      throw new BusException("unavailable", "cannot reach the bridge at " + where + " (" + e.getMessage()
          + "). Is a node with the inspector running? Start one with scripts/apex up, or give --host/--port.");
    } catch (SocketTimeoutException e) {
      throw new BusException("unavailable", "the bridge at " + where + " did not accept a connection within "
          + CONNECT_TIMEOUT_MS + " ms");
    } catch (IOException e) {
      throw new BusException("unavailable", "cannot reach the bridge at " + where + ": " + e.getMessage());
    }
  }

  /** Sends {@code body} to {@code address} and waits up to {@code timeoutMs} for the reply's body. */
  JsonObject request(String address, Object body, long timeoutMs) {
    String replyAddress = "apex-bus." + UUID.randomUUID();
    BlockingQueue<JsonObject> answer = new LinkedBlockingQueue<>();
    pending.put(replyAddress, answer);
    try {
      write(frame("send", address, body).put("replyAddress", replyAddress));
      JsonObject reply = answer.poll(timeoutMs, TimeUnit.MILLISECONDS);
      if (reply == null) {
        throw new BusException("timeout", "no answer from " + address + " within " + timeoutMs + " ms");
      }
      if ("err".equals(reply.getString("type"))) {
        throw failure(address, reply);
      }
      Object value = reply.getValue("body");
      return value instanceof JsonObject json ? json : new JsonObject().put("value", value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusException("interrupted", "interrupted while waiting for " + address);
    } finally {
      pending.remove(replyAddress);
    }
  }

  void publish(String address, Object body) {
    write(frame("publish", address, body));
  }

  void send(String address, Object body) {
    write(frame("send", address, body));
  }

  /** Delivers every message on {@code address} to {@code handler} (on the reader thread). */
  void register(String address, Consumer<JsonObject> handler) {
    handlers.put(address, handler);
    write(frame("register", address, null));
  }

  /**
   * Waits until the bridge has handled every frame sent so far: a ping is answered after them, in
   * order. A refusal of one of them (publish and register have no reply) arrives before the pong
   * and is thrown.
   */
  void confirm(long timeoutMs) {
    write(new JsonObject().put("type", "ping"));
    try {
      JsonObject frame = control.poll(timeoutMs, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new BusException("timeout", "the bridge did not confirm within " + timeoutMs + " ms");
      }
      if ("err".equals(frame.getString("type"))) {
        throw failure(frame.getString("sourceAddress", "the bridge"), frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusException("interrupted", "interrupted while waiting for the bridge");
    }
  }

  boolean isOpen() {
    return !closed;
  }

  private JsonObject frame(String type, String address, Object body) {
    JsonObject frame = new JsonObject().put("type", type).put("address", address)
        .put("headers", new JsonObject().put("token", token == null ? "" : token));
    if (body != null) {
      frame.put("body", body);
    }
    return frame;
  }

  private synchronized void write(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    try {
      out.writeInt(json.length);
      out.write(json);
      out.flush();
    } catch (IOException e) {
      throw new BusException("unavailable", "the connection to the bridge at " + where + " broke: " + e.getMessage());
    }
  }

  private void read() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      while (!closed) {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME_BYTES) {
          throw new IOException("a frame of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        dispatch(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
      }
    } catch (EOFException | DecodeException e) {
      closedByBridge("the bridge closed the connection");
    } catch (IOException e) {
      closedByBridge(closed ? null : "the connection to the bridge broke: " + e.getMessage());
    }
  }

  private void dispatch(JsonObject frame) {
    String address = frame.getString("address");
    BlockingQueue<JsonObject> waiting = address == null ? null : pending.get(address);
    if (waiting != null) {
      waiting.add(frame);
      return;
    }
    if ("err".equals(frame.getString("type")) || "pong".equals(frame.getString("type"))) {
      control.add(frame);
      return;
    }
    Consumer<JsonObject> handler = address == null ? null : handlers.get(address);
    if (handler != null) {
      handler.accept(frame);
    }
  }

  private void closedByBridge(String why) {
    boolean wasOpen = !closed;
    closed = true;
    if (wasOpen && why != null) {
      JsonObject err = new JsonObject().put("type", "err").put("code", "unavailable").put("message", why);
      pending.values().forEach(q -> q.add(err));
      control.add(err);
    }
  }

  /** The error frame as a one-line message: the gate's {@code code}, or the bus's failure type. */
  static BusException failure(String address, JsonObject err) {
    String message = err.getString("message", "refused");
    String code = err.getString("code");
    if (code == null) {
      code = switch (err.getString("failureType", "")) {
        case "NO_HANDLERS" -> "no_handlers";
        case "TIMEOUT" -> "timeout";
        default -> "failed";
      };
      if ("no_handlers".equals(code)) {
        message = "nothing on the bus serves " + address + " (no handlers)";
      } else if ("timeout".equals(code)) {
        message = address + " did not answer in time (" + message + ")";
      }
    }
    return new BusException(code, code + ": " + message);
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
