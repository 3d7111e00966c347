package apex.node;

import apex.runtime.TestServices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static apex.node.ApexClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users upload their own usage and get analyses of exactly that usage, and nobody else's. */
class UsageUploadEndToEndTest {
  static NodeLauncher.RunningNode node;
  static ApexClient client;

  @BeforeAll
  static void start() {
    node = await(NodeLauncher.start(TestServices.config(Map.of("profile", "dev", "http.port", "0")), Role.all(), 1));
    client = new ApexClient(node.httpPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    await(node.close());
  }

  private static String signup() {
    return client.signup("up-" + UUID.randomUUID() + "@example.com", "correct horse battery");
  }

  /** {@code rows} calls over the last days, each costing {@code costEach} dollars. */
  private static String csv(int rows, double costEach) {
    StringBuilder csv = new StringBuilder("ts,provider,model,feature,input_tokens,output_tokens,cost_usd\n");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < rows; i++) {
      csv.append(now.minus(i % 10, ChronoUnit.DAYS).minusSeconds(60L * i)).append(",openai,gpt-5.4,classifier,")
          .append(1000 + i).append(',').append(20).append(',').append(costEach).append('\n');
    }
    return csv.toString();
  }

  private static HttpResponse<Buffer> upload(String token, String body, String contentType) {
    return client.upload(token, body, contentType);
  }

  private static JsonObject analyse(ApexClient.Socket socket, String clientMsgId) {
    socket.send(new JsonObject().put("type", "user_message").put("client_msg_id", clientMsgId)
        .put("text", "Analyze my AI costs for the last 30 days"));
    List<JsonObject> frames = socket.until("run_completed", "run_failed");
    return frames.get(frames.size() - 1);
  }

  @Test
  void anUploadIsStoredListedAnalysedAndDeletedByItsOwnerOnly() {
    String owner = signup();
    HttpResponse<Buffer> stored = upload(owner, csv(200, 0.25), "text/csv");
    assertEquals(201, stored.statusCode(), stored.bodyAsString());
    JsonObject upload = stored.bodyAsJsonObject().getJsonObject("upload");
    assertEquals(200, upload.getInteger("rows"));
    assertEquals(50.0, upload.getDouble("cost_usd"), 1e-6);
    assertEquals("csv", upload.getString("format"));

    ApexClient.Socket socket = client.connectWithTicket(client.ticket(owner));
    socket.next();
    JsonObject done = analyse(socket, "c-1");
    assertEquals("run_completed", done.getString("type"), done.encode());
    assertEquals(50.0, done.getJsonObject("report").getDouble("window_spend_usd"), 1e-6);
    assertTrue(done.getString("final_response").contains("$50.00"), done.getString("final_response"));

    String intruder = signup();
    JsonArray theirs = client.get("/api/usage/uploads", intruder).bodyAsJsonObject().getJsonArray("uploads");
    assertEquals(0, theirs.size());
    HttpResponse<Buffer> steal = await(WebClient.create(node.vertx())
        .delete(node.httpPort(), "127.0.0.1", "/api/usage/uploads/" + upload.getString("upload_id"))
        .putHeader("Authorization", "Bearer " + intruder).send());
    assertEquals(404, steal.statusCode());

    JsonArray mine = client.get("/api/usage/uploads", owner).bodyAsJsonObject().getJsonArray("uploads");
    assertEquals(1, mine.size());
    HttpResponse<Buffer> delete = await(WebClient.create(node.vertx())
        .delete(node.httpPort(), "127.0.0.1", "/api/usage/uploads/" + upload.getString("upload_id"))
        .putHeader("Authorization", "Bearer " + owner).send());
    assertEquals(204, delete.statusCode());
    assertEquals(0, client.get("/api/usage/uploads", owner).bodyAsJsonObject().getJsonArray("uploads").size());
  }

  @Test
  void aBadFileIsRefusedWholeWithRowAndColumnAndNothingIsStored() {
    String token = signup();
    String bad = "ts,provider,model,input_tokens,output_tokens,status\n"
        + Instant.now() + ",openai,gpt-5.4,100,10,ok\n"
        + "yesterday,openai,gpt-5.4,100,10,ok\n"
        + Instant.now() + ",openai,gpt-5.4,-5,10,ok\n"
        + Instant.now() + ",openai,gpt-5.4,100,10,exploded\n";
    HttpResponse<Buffer> refused = upload(token, bad, "text/csv");
    assertEquals(422, refused.statusCode(), refused.bodyAsString());
    JsonObject result = refused.bodyAsJsonObject();
    assertEquals("rejected", result.getString("status"));
    assertEquals(3, result.getInteger("problem_count"), result.encode());
    JsonArray problems = result.getJsonArray("problems");
    assertEquals(2, problems.getJsonObject(0).getInteger("row"));
    assertEquals("ts", problems.getJsonObject(0).getString("column"));
    assertEquals("input_tokens", problems.getJsonObject(1).getString("column"));
    assertEquals("status", problems.getJsonObject(2).getString("column"));
    assertEquals(0, client.get("/api/usage/uploads", token).bodyAsJsonObject().getJsonArray("uploads").size());
    assertEquals(400, upload(token, "", "text/csv").statusCode());
    assertEquals(401, upload("not-a-token", bad, "text/csv").statusCode(), "the caller is checked before the body is read");
  }

  @Test
  void multipartJsonAndNdjsonUploadsAreAccepted() {
    String token = signup();
    String ndjson = "{\"ts\":\"" + Instant.now() + "\",\"model\":\"claude-sonnet-4-6\",\"input_tokens\":1000,\"output_tokens\":50}\n";
    assertEquals(201, upload(token, ndjson, "application/x-ndjson").statusCode());
    MultipartForm form = MultipartForm.create().textFileUpload("file", "usage.json",
        Buffer.buffer("[{\"ts\":\"" + Instant.now() + "\",\"model\":\"gpt-5.4\",\"prompt_tokens\":10,\"completion_tokens\":5}]"),
        "application/json");
    HttpResponse<Buffer> multipart = await(WebClient.create(node.vertx()).post(node.httpPort(), "127.0.0.1", "/api/usage")
        .putHeader("Authorization", "Bearer " + token).sendMultipartForm(form));
    assertEquals(201, multipart.statusCode(), multipart.bodyAsString());
    assertEquals("usage.json", multipart.bodyAsJsonObject().getJsonObject("upload").getString("source"));
    assertEquals(2, client.get("/api/usage/uploads", token).bodyAsJsonObject().getJsonArray("uploads").size());
  }

  @Test
  void uploadProgressReachesTheUploadersSocketsInOrderAndNobodyElse() {
    String owner = signup();
    String other = signup();
    ApexClient.Socket mine = client.connectWithTicket(client.ticket(owner));
    ApexClient.Socket theirs = client.connectWithTicket(client.ticket(other));
    mine.next();
    theirs.next();
    int rows = 30_000; // about 2 MiB: several chunks and batches
    HttpResponse<Buffer> stored = await(WebClient.create(node.vertx())
        .post(node.httpPort(), "127.0.0.1", "/api/usage?filename=big.csv&upload_ref=ref-1")
        .putHeader("Authorization", "Bearer " + owner).putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(csv(rows, 0.001))));
    assertEquals(201, stored.statusCode(), stored.bodyAsString());
    assertEquals(List.of("ts", "provider", "model", "feature", "input_tokens", "output_tokens", "cost_usd"),
        stored.bodyAsJsonObject().getJsonObject("upload").getJsonArray("fields").getList());

    List<String> phases = List.of("parsing", "storing", "done");
    List<JsonObject> progress = new ArrayList<>();
    JsonObject frame;
    do {
      frame = mine.next();
      assertEquals("upload_progress", frame.getString("type"), frame.encode());
      assertEquals("ref-1", frame.getString("upload_ref"));
      if (!progress.isEmpty()) {
        JsonObject before = progress.get(progress.size() - 1);
        int order = Integer.compare(phases.indexOf(frame.getString("phase")), phases.indexOf(before.getString("phase")));
        assertTrue(order > 0 || order == 0 && frame.getLong("rows") >= before.getLong("rows"),
            "out of order: " + before.encode() + " then " + frame.encode());
      }
      progress.add(frame);
    } while (!"done".equals(frame.getString("phase")));
    assertEquals("parsing", progress.get(0).getString("phase"));
    assertEquals(rows, frame.getLong("rows"));
    assertEquals(100.0, frame.getDouble("percent"));

    theirs.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", theirs.next().getString("type"), "another user's socket gets no upload progress");
    await(mine.ws.close());
    await(theirs.ws.close());
  }

  @Test
  void fiftyConcurrentUsersEachGetTheirOwnFigures() {
    int users = 50;
    List<ApexClient.Socket> sockets = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String token = signup();
      // user i spends exactly (i + 1) × $1.00 over 20 calls
      assertEquals(201, upload(token, csv(20, (i + 1) / 20.0), "text/csv").statusCode());
      ApexClient.Socket socket = client.connectWithTicket(client.ticket(token));
      socket.next();
      sockets.add(socket);
    }
    for (int i = 0; i < users; i++) {
      sockets.get(i).send(new JsonObject().put("type", "user_message").put("client_msg_id", "m" + i)
          .put("text", "Analyze my AI costs for the last 30 days"));
    }
    for (int i = 0; i < users; i++) {
      List<JsonObject> frames = sockets.get(i).until("run_completed", "run_failed");
      String runId = frames.get(0).getString("run_id");
      frames.forEach(f -> assertEquals(runId, f.getString("run_id"), "another user's event: " + f.encode()));
      JsonObject done = frames.get(frames.size() - 1);
      assertEquals("run_completed", done.getString("type"), done.encode());
      assertEquals(i + 1.0, done.getJsonObject("report").getDouble("window_spend_usd"), 1e-6, "user " + i);
    }
    sockets.forEach(socket -> await(socket.ws.close()));
  }
}
