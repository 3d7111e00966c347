package apex.node.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * The chat benchmark's baseline: a bare Vert.x WebSocket server on 127.0.0.1 that sends every text
 * frame straight back, in a JVM of its own like the measured node. No auth, no JSON parsing, no bus:
 * what a round trip through Vert.x's WebSocket costs on this machine under the same clients.
 */
public final class EchoServer {
  static final String UP_LINE = "echo server listening on ";

  private EchoServer() {}

  /** {@code EchoServer PORT}: serves until the process is stopped. */
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .webSocketHandler(socket -> socket.textMessageHandler(socket::writeTextMessage))
        .listen()
        .onSuccess(server -> System.out.println(UP_LINE + server.actualPort()))
        .onFailure(e -> {
          System.err.println("echo server failed: " + e);
          System.exit(1);
        });
  }
}
