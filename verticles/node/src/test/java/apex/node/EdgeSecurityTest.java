package apex.node;

import apex.runtime.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge under attack: forged and stale tokens, revocation, refresh reuse, tickets, cross-user
 * reads over REST and WebSocket, rate limits, injection-shaped input, oversized bodies. Every user
 * is created through the real signup.
 */
class EdgeSecurityTest {
  static final String PASSWORD = "correct horse battery";
  static NodeLauncher.RunningNode node;
  static ApexClient client;
  static String secret;

  @BeforeAll
  static void start() {
    Map<String, String> settings = new HashMap<>(Map.of("profile", "dev", "http.port", "0",
        "auth.ticket_ttl_seconds", "5", "limits.login_account_burst", "3", "limits.login_account_per_minute", "1",
        "limits.tickets_burst", "4", "limits.tickets_per_minute", "1", "limits.frames_burst", "5",
        "limits.frames_per_second", "1"));
    settings.put("limits.concurrent_runs_per_user", "1");
    node = await(NodeLauncher.start(TestServices.config(settings), Role.all(), 1));
    secret = node.config().string("auth.jwt_secret");
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  private static String email() {
    return "sec-" + UUID.randomUUID() + "@example.com";
  }

  private static JsonObject session(String email) {
    return client.post("/api/auth/signup", new JsonObject().put("email", email).put("password", PASSWORD), null)
        .bodyAsJsonObject();
  }

  /** A plain HTTP/1.1 exchange on a socket, reading the answer while the body may still be unsent. */
  private static String rawPost(String path, String body) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(10_000);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + bytes.length + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
      try {
        socket.getOutputStream().write(bytes);
      } catch (java.io.IOException closedEarly) {
        // the server may answer and close before the whole body is sent
      }
      // Read the status line, headers and a body of Content-Length bytes.
      java.io.InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      int headerEnd = -1;
      int length = -1;
      while (headerEnd < 0 || answer.length() < headerEnd + 4 + length) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        answer.append((char) c);
        if (headerEnd < 0 && answer.toString().endsWith("\r\n\r\n")) {
          headerEnd = answer.length() - 4;
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(answer);
          length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
      }
      return answer.toString();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  /** A token signed with the real key but with chosen claims, to check each claim is enforced. */
  private static String signed(JsonObject claims, JWTOptions options) {
    JWTAuth jwt = JWTAuth.create(Vertx.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, options.setAlgorithm("HS256"));
  }

  private static JsonObject validClaims() {
    return new JsonObject().put("email", "x@example.com").put("roles", new JsonArray().add("user"))
        .put("jti", UUID.randomUUID().toString()).put("sid", UUID.randomUUID().toString());
  }

  @Test
  void forgedAndStaleTokensAreRefused() {
    String token = session(email()).getString("access_token");
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + (parts[2].startsWith("A") ? "B" : "A") + parts[2].substring(1);
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    String wrongIssuer = signed(validClaims(), new JWTOptions().setSubject("u").setIssuer("evil")
        .setAudience(List.of("apex-web")).setExpiresInSeconds(60));
    String wrongAudience = signed(validClaims(), new JWTOptions().setSubject("u").setIssuer("apex")
        .setAudience(List.of("other")).setExpiresInSeconds(60));
    String expired = signed(validClaims().put("exp", System.currentTimeMillis() / 1000 - 3600)
            .put("iat", System.currentTimeMillis() / 1000 - 7200),
        new JWTOptions().setSubject("u").setIssuer("apex").setAudience(List.of("apex-web")).setNoTimestamp(true));
    for (String bad : List.of(tampered, none, wrongIssuer, wrongAudience, "garbage", "")) {
      HttpResponse<Buffer> me = client.get("/api/auth/me", bad);
      assertEquals(401, me.statusCode(), bad + " → " + me.bodyAsString());
      assertEquals(1008, client.connect(new WebSocketConnectOptions().setURI("/ws")
          .addHeader("Authorization", "Bearer " + bad)).awaitClose(), "socket with " + bad);
    }
    HttpResponse<Buffer> stale = client.get("/api/auth/me", expired);
    assertEquals(401, stale.statusCode());
    assertEquals("token_expired", code(stale));
    assertEquals(200, client.get("/api/auth/me", token).statusCode(), "the genuine token still works");
  }

  @Test
  void logoutRevokesTheAccessTokenEverywhereAndClosesItsSockets() {
    JsonObject session = session(email());
    String token = session.getString("access_token");
    ApexClient.Socket bearerSocket = client.connect(new WebSocketConnectOptions().setURI("/ws")
        .addSubProtocol("bearer." + token));
    assertEquals("connection_ready", bearerSocket.next().getString("type"));
    ApexClient.Socket ticketSocket = client.connectWithTicket(client.ticket(token));
    assertEquals("connection_ready", ticketSocket.next().getString("type"));

    HttpResponse<Buffer> logout = client.post("/api/auth/logout", null, token);
    assertEquals(204, logout.statusCode(), logout.bodyAsString());

    for (ApexClient.Socket socket : List.of(bearerSocket, ticketSocket)) {
      JsonObject error = socket.next();
      assertEquals("token_revoked", error.getString("code"), error.encode());
      assertEquals(1008, socket.awaitClose());
    }
    HttpResponse<Buffer> me = client.get("/api/auth/me", token);
    assertEquals(401, me.statusCode());
    assertEquals("token_revoked", code(me));
    HttpResponse<Buffer> refresh = client.post("/api/auth/refresh",
        new JsonObject().put("refresh_token", session.getString("refresh_token")), null);
    assertEquals(401, refresh.statusCode(), "the refresh family ended with the logout");
  }

  @Test
  void aSocketClosesWhenItsAccessTokenExpires() {
    JsonObject session = session(email());
    long now = System.currentTimeMillis() / 1000;
    String shortLived = signed(validClaims().put("exp", now + 2).put("iat", now), new JWTOptions()
        .setSubject(session.getString("user_id")).setIssuer("apex").setAudience(List.of("apex-web")).setNoTimestamp(true));
    ApexClient.Socket socket = client.connectWithTicket(client.ticket(shortLived));
    assertEquals("connection_ready", socket.next().getString("type"));
    JsonObject error = socket.next();
    assertEquals("token_expired", error.getString("code"), error.encode());
    assertEquals(1008, socket.awaitClose());
  }

  @Test
  void logoutEndsEveryAccessTokenOfTheSessionNotJustTheOneItCameWith() {
    JsonObject first = session(email());
    String older = first.getString("access_token");
    JsonObject refreshed = client.post("/api/auth/refresh",
        new JsonObject().put("refresh_token", first.getString("refresh_token")), null).bodyAsJsonObject();
    String newer = refreshed.getString("access_token");
    ApexClient.Socket olderSocket = client.connectWithTicket(client.ticket(older));
    assertEquals("connection_ready", olderSocket.next().getString("type"));
    assertEquals(204, client.post("/api/auth/logout", null, newer).statusCode());
    assertEquals("token_revoked", olderSocket.next().getString("code"));
    assertEquals(401, client.get("/api/auth/me", older).statusCode());
    assertEquals(401, client.post("/api/ws-ticket", null, older).statusCode());
  }

  @Test
  void aStolenRefreshTokenEndsTheSessionIncludingTokensIssuedFromIt() {
    JsonObject victim = session(email());
    String stolen = victim.getString("refresh_token");
    String thiefAccess = client.post("/api/auth/refresh", new JsonObject().put("refresh_token", stolen), null)
        .bodyAsJsonObject().getString("access_token");
    ApexClient.Socket thiefSocket = client.connectWithTicket(client.ticket(thiefAccess));
    assertEquals("connection_ready", thiefSocket.next().getString("type"));
    HttpResponse<Buffer> victimRefresh = client.post("/api/auth/refresh", new JsonObject().put("refresh_token", stolen), null);
    assertEquals("token_revoked", code(victimRefresh), "the reuse is detected");
    assertEquals("token_revoked", thiefSocket.next().getString("code"), "the thief's socket is closed");
    assertEquals(401, client.get("/api/auth/me", thiefAccess).statusCode(), "the thief's access token is dead");
    assertEquals(401, client.get("/api/auth/me", victim.getString("access_token")).statusCode());
  }

  @Test
  void refreshRotatesAndReuseRevokesTheFamily() {
    JsonObject first = session(email());
    HttpResponse<Buffer> second = client.post("/api/auth/refresh",
        new JsonObject().put("refresh_token", first.getString("refresh_token")), null);
    assertEquals(200, second.statusCode(), second.bodyAsString());
    String rotated = second.bodyAsJsonObject().getString("refresh_token");
    assertNotEquals(first.getString("refresh_token"), rotated);
    assertEquals(200, client.get("/api/auth/me", second.bodyAsJsonObject().getString("access_token")).statusCode());

    HttpResponse<Buffer> reuse = client.post("/api/auth/refresh",
        new JsonObject().put("refresh_token", first.getString("refresh_token")), null);
    assertEquals(401, reuse.statusCode());
    assertEquals("token_revoked", code(reuse));
    HttpResponse<Buffer> afterReuse = client.post("/api/auth/refresh", new JsonObject().put("refresh_token", rotated), null);
    assertEquals(401, afterReuse.statusCode(), "the whole family is revoked, the newest token too");
    assertEquals(401, client.post("/api/auth/refresh", new JsonObject().put("refresh_token", "nope"), null).statusCode());
  }

  @Test
  void ticketsAreSingleUseAndExpire() throws InterruptedException {
    String token = session(email()).getString("access_token");
    String ticket = client.ticket(token);
    String unused = client.ticket(token);
    assertTrue(Base64.getUrlDecoder().decode(ticket).length >= 16, "at least 128 random bits");
    assertEquals("connection_ready", client.connectWithTicket(ticket).next().getString("type"));
    assertEquals(1008, client.connectWithTicket(ticket).awaitClose(), "reuse");
    Thread.sleep(5_500);
    assertEquals(1008, client.connectWithTicket(unused).awaitClose(), "expired after the 5 s TTL");
  }

  @Test
  void oneUserCannotReachAnothersThreadsRunsOrEvents() {
    String alice = session(email()).getString("access_token");
    String bob = session(email()).getString("access_token");
    ApexClient.Socket bobSocket = client.connectWithTicket(client.ticket(bob));
    bobSocket.next();
    ApexClient.Socket aliceSocket = client.connectWithTicket(client.ticket(alice));
    aliceSocket.next();
    bobSocket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "b-1").put("text", "hello"));
    List<JsonObject> bobFrames = bobSocket.until("run_completed", "run_failed");
    String bobRun = bobFrames.get(0).getString("run_id");
    String bobThread = bobFrames.get(0).getString("thread_id");

    assertEquals(404, client.get("/api/runs/" + bobRun, alice).statusCode());
    assertEquals(404, client.get("/api/threads/" + bobThread, alice).statusCode());
    assertEquals(0, client.get("/api/threads", alice).bodyAsJsonObject().getJsonArray("threads").size());
    aliceSocket.send(new JsonObject().put("type", "resume").put("run_id", bobRun).put("after_seq", 0));
    assertEquals("not_found", aliceSocket.next().getString("code"));
    aliceSocket.send(new JsonObject().put("type", "get_thread_history").put("thread_id", bobThread));
    assertEquals("not_found", aliceSocket.next().getString("code"));
    aliceSocket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "a-1").put("text", "hi")
        .put("thread_id", bobThread));
    assertEquals("not_found", aliceSocket.next().getString("code"), "cannot post into another's thread");
    aliceSocket.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", aliceSocket.next().getString("type"), "no event of bob's run reached alice");
    assertNull(aliceSocket.frames.poll());
  }

  @Test
  void concurrentUsersOnlyEverSeeTheirOwnRuns() {
    int users = 20;
    List<String> ids = new java.util.ArrayList<>();
    List<ApexClient.Socket> sockets = new java.util.ArrayList<>();
    for (int i = 0; i < users; i++) {
      JsonObject session = session(email());
      ids.add(session.getString("user_id"));
      ApexClient.Socket socket = client.connectWithTicket(client.ticket(session.getString("access_token")));
      assertEquals(session.getString("user_id"), socket.next().getString("user_id"));
      sockets.add(socket);
    }
    for (int i = 0; i < users; i++) {
      sockets.get(i).send(new JsonObject().put("type", "user_message").put("client_msg_id", "u" + i).put("text", "my costs?"));
    }
    java.util.Set<String> runs = new java.util.HashSet<>();
    for (int i = 0; i < users; i++) {
      List<JsonObject> frames = sockets.get(i).until("run_completed", "run_failed");
      String own = frames.get(0).getString("run_id");
      assertEquals("u" + i, frames.get(0).getString("client_msg_id"));
      frames.forEach(f -> assertEquals(own, f.getString("run_id"), "a frame of another run reached user " + f.encode()));
      assertEquals("run_completed", frames.get(frames.size() - 1).getString("type"));
      runs.add(own);
    }
    assertEquals(users, runs.size());
  }

  @Test
  void loginAttemptsTicketsFramesAndConcurrentRunsAreLimited() {
    String email = email();
    String token = session(email).getString("access_token");
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 4; i++) {
      last = client.post("/api/auth/login", new JsonObject().put("email", email).put("password", "wrong password!"), null);
    }
    assertEquals(429, last.statusCode(), last.bodyAsString());
    assertEquals("rate_limited", code(last));
    assertTrue(Integer.parseInt(last.getHeader("Retry-After")) >= 1);
    assertTrue(last.bodyAsJsonObject().getJsonObject("error").getLong("retry_after_ms") > 0);

    HttpResponse<Buffer> ticket = null;
    for (int i = 0; i < 5; i++) {
      ticket = client.post("/api/ws-ticket", null, token);
    }
    assertEquals(429, ticket.statusCode());

    String other = session(email()).getString("access_token");
    ApexClient.Socket socket = client.connect(new WebSocketConnectOptions().setURI("/ws").addSubProtocol("bearer." + other));
    socket.next();
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "r-1").put("text", "costs?"));
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", "r-2").put("text", "costs again?"));
    for (int i = 0; i < 6; i++) {
      socket.send(new JsonObject().put("type", "ping"));
    }
    boolean runRefused = false;
    boolean framesRefused = false;
    for (int i = 0; i < 60 && !(runRefused && framesRefused); i++) {
      JsonObject frame = socket.next();
      if ("rate_limited".equals(frame.getString("code"))) {
        assertTrue(frame.getLong("retry_after_ms") > 0, frame.encode());
        // The two starts race for the per-user lock: whichever comes second is the one refused.
        runRefused |= "r-1".equals(frame.getString("ref")) || "r-2".equals(frame.getString("ref"));
        framesRefused |= frame.getString("ref") == null;
      }
    }
    assertTrue(runRefused, "a second concurrent run is refused");
    assertTrue(framesRefused, "a frame flood is refused");
  }

  @Test
  void injectionShapedInputAndOversizedBodiesAreAnsweredNot500() {
    String dropper = "'; DROP TABLE auth.users; --";
    String email = "o'brien+" + UUID.randomUUID() + "@example.com";
    assertEquals(201, client.post("/api/auth/signup", new JsonObject().put("email", email).put("password", dropper + "xx"),
        null).statusCode());
    assertEquals(200, client.post("/api/auth/login", new JsonObject().put("email", email).put("password", dropper + "xx"),
        null).statusCode());
    HttpResponse<Buffer> bad = client.post("/api/auth/login",
        new JsonObject().put("email", "' OR '1'='1").put("password", "' OR '1'='1"), null);
    assertEquals(401, bad.statusCode());
    assertEquals(422, client.post("/api/auth/signup",
        new JsonObject().put("email", "x' OR 1=1 --").put("password", "long enough pw"), null).statusCode());
    assertEquals(400, client.post("/api/auth/login", new JsonObject().put("email", 42).put("password", true), null)
        .statusCode());
    String huge = rawPost("/api/auth/login", "{\"email\":\"a@b.co\",\"password\":\"" + "x".repeat(100_000) + "\"}");
    assertTrue(huge.startsWith("HTTP/1.1 413"), huge);
    assertTrue(huge.contains("payload_too_large"), huge);
    String token = session(email()).getString("access_token");
    assertEquals(404, client.get("/api/runs/%27%20OR%201%3D1%20--", token).statusCode());
    assertFalse(client.get("/api/threads/%27%3B%20DROP", token).statusCode() >= 500);
  }
}
