package apex.node;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Uploads CSV files to a running Apex as one user, the way any client does: {@code POST
 * /api/auth/login}, then {@code POST /api/usage} per file with the bearer token. Blocking, for the CLI.
 */
final class UsageUploader {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(5);

  /** A failure a person can act on: the server unreachable, the login refused, an upload rejected. */
  static final class UploadException extends Exception {
    UploadException(String message) {
      super(message);
    }
  }

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  UsageUploader(URI base) {
    this.base = base;
  }

  /** Uploads {@code files} in order, printing progress and each upload id. */
  void upload(String email, String password, List<String> files) throws UploadException {
    String token = login(email, password);
    for (int i = 0; i < files.size(); i++) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/usage"))
          .timeout(UPLOAD_TIMEOUT)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "text/csv")
          .POST(HttpRequest.BodyPublishers.ofString(files.get(i), StandardCharsets.UTF_8)).build());
      String which = "upload " + (i + 1) + "/" + files.size();
      if (response.statusCode() != 201) {
        throw new UploadException(which + " refused (" + response.statusCode() + "): " + reason(response.body()));
      }
      JsonObject upload = new JsonObject(response.body()).getJsonObject("upload");
      System.out.printf(Locale.ROOT, "%s: %,d rows, $%,.2f, upload_id %s%n", which, upload.getInteger("rows"),
          upload.getDouble("cost_usd", 0.0), upload.getString("upload_id"));
    }
  }

  private String login(String email, String password) throws UploadException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/auth/login"))
        .timeout(CONNECT_TIMEOUT.multipliedBy(3))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", email).put("password", password)
            .encode())).build());
    if (response.statusCode() != 200) {
      throw new UploadException("login as " + email + " refused (" + response.statusCode() + "): "
          + reason(response.body()));
    }
    System.out.println("logged in as " + email + " at " + base);
    return new JsonObject(response.body()).getString("access_token");
  }

  private HttpResponse<String> send(HttpRequest request) throws UploadException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new UploadException("cannot reach " + base + ": connection refused");
    } catch (HttpTimeoutException e) {
      throw new UploadException("no answer from " + base + " in time: " + e.getMessage());
    } catch (IOException e) {
      throw new UploadException("cannot reach " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadException("interrupted while talking to " + base);
    }
  }

  /** The server's reason: its error code and message, or an upload's first problem, else the body's start. */
  private static String reason(String body) {
    try {
      JsonObject json = new JsonObject(body);
      JsonObject error = json.getJsonObject("error");
      if (error != null) {
        return error.getString("code") + ": " + error.getString("message");
      }
      JsonArray problems = json.getJsonArray("problems");
      if (problems != null && !problems.isEmpty()) {
        return json.getInteger("problem_count", problems.size()) + " problem(s), the first: "
            + problems.getJsonObject(0).encode();
      }
    } catch (DecodeException | ClassCastException e) {
      // not Apex's JSON: show the body itself
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }
}
