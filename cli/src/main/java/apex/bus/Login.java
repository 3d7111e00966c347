package apex.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The operator's saved login: the auth REST API's access and refresh tokens in
 * {@code <home>/session.json} (readable by the owner only). When the access token is about to
 * expire it is refreshed through {@code POST /api/auth/refresh}, which also rotates the refresh token.
 */
final class Login {
  private static final long REFRESH_MARGIN_SECONDS = 30;
  private final Path file;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Login(Path home) {
    this.file = home.resolve("session.json");
  }

  Path file() {
    return file;
  }

  /** Logs in and saves the session; answers the roles the access token carries. */
  JsonObject login(String url, String email, String password) {
    JsonObject tokens = post(url, "/api/auth/login", new JsonObject().put("email", email).put("password", password));
    save(url, tokens);
    return claims(tokens.getString("access_token"));
  }

  /** The saved access token, refreshed first when it is expired or about to; null when there is no saved login. */
  String token() {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    JsonObject session;
    try {
      session = new JsonObject(Files.readString(file));
    } catch (IOException | DecodeException e) {
      throw new BusException("bad_session", "cannot read the saved login " + file + " (" + e.getMessage()
          + "); run apex-bus login again");
    }
    String access = session.getString("access_token");
    long exp = claims(access).getLong("exp", 0L);
    if (Instant.now().getEpochSecond() + REFRESH_MARGIN_SECONDS < exp) {
      return access;
    }
    JsonObject tokens = post(session.getString("url"), "/api/auth/refresh",
        new JsonObject().put("refresh_token", session.getString("refresh_token")));
    save(session.getString("url"), tokens);
    return tokens.getString("access_token");
  }

  /** The payload of a JWT (not verified: only to read its expiry and roles). */
  static JsonObject claims(String jwt) {
    String[] parts = jwt == null ? new String[0] : jwt.split("\\.");
    if (parts.length != 3) {
      return new JsonObject();
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1])));
    } catch (IllegalArgumentException | DecodeException e) {
      return new JsonObject();
    }
  }

  private JsonObject post(String url, String path, JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new BusException("unavailable", "cannot reach " + url + " (connection refused); is ws-bridge running? "
          + "Give its URL with --url");
    } catch (IOException e) {
      throw new BusException("unavailable", "cannot reach " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusException("interrupted", "interrupted");
    }
    JsonObject answer;
    try {
      answer = new JsonObject(response.body());
    } catch (DecodeException e) {
      throw new BusException("failed", url + path + " answered " + response.statusCode() + " without JSON");
    }
    if (response.statusCode() != 200) {
      JsonObject error = answer.getJsonObject("error", new JsonObject());
      String code = error.getString("code", "failed");
      throw new BusException(code, code + ": " + error.getString("message", "HTTP " + response.statusCode())
          + (path.endsWith("refresh") ? " (the saved login ended; run apex-bus login again)" : ""));
    }
    return answer;
  }

  private void save(String url, JsonObject tokens) {
    JsonObject session = new JsonObject().put("url", url)
        .put("access_token", tokens.getString("access_token"))
        .put("refresh_token", tokens.getString("refresh_token"));
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE)));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, session.encodePrettily());
    } catch (IOException e) {
      throw new BusException("failed", "cannot save the login in " + file + ": " + e.getMessage());
    }
  }
}
