package apex.runtime.devservices;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Embedded PostgreSQL and Redis for development and tests. On fixed ports (dev) a service already
 * listening is reused, so several local nodes of one dev cluster share one database; the node that
 * started a service stops it on {@link #close()}. Ephemeral services (tests, benchmarks) also
 * delete their data then.
 */
public final class DevServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevServices.class);

  private EmbeddedPostgres postgres;
  private RedisServer redis;
  /** The data folder of ephemeral services, deleted on close; null for dev services. */
  private Path throwaway;
  private String pgUrl;
  private String redisUrl;
  private Path pgDir;
  private int pgPort;
  private Path redisDir;
  private int redisPort;

  /** Dev: fixed ports, data kept under {@code dir}. */
  public static DevServices start(Path dir, int pgPort, int redisPort) throws IOException {
    DevServices services = new DevServices();
    services.startPostgres(dir.resolve("pg"), pgPort);
    services.startRedis(dir.resolve("redis"), redisPort);
    return services;
  }

  /** Tests and benchmarks: free ports, throw-away data deleted on {@link #close()}. */
  public static DevServices startEphemeral() throws IOException {
    Path dir = Files.createTempDirectory("apex-dev");
    DevServices services = start(dir, freePort(), freePort());
    services.throwaway = dir;
    return services;
  }

  public String pgUrl() {
    return pgUrl;
  }

  public String redisUrl() {
    return redisUrl;
  }

  /**
   * Takes PostgreSQL away (a dependency outage, for the tests and the chaos harness); its data is
   * kept and {@link #startPostgres()} brings it back on the same port. Only for a service this
   * object started.
   */
  public void stopPostgres() throws IOException {
    if (postgres == null) {
      throw new IllegalStateException("PostgreSQL was not started here (reused or already stopped)");
    }
    postgres.close();
    postgres = null;
    LOG.info("embedded PostgreSQL on {} stopped", pgPort);
  }

  public void startPostgres() throws IOException {
    startPostgres(pgDir, pgPort);
  }

  /** Takes Redis away, as {@link #stopPostgres()}; {@link #startRedis()} brings it back with its data (append-only file). */
  public void stopRedis() throws IOException {
    if (redis == null) {
      throw new IllegalStateException("Redis was not started here (reused or already stopped)");
    }
    redis.stop();
    redis = null;
    LOG.info("embedded Redis on {} stopped", redisPort);
  }

  public void startRedis() throws IOException {
    startRedis(redisDir, redisPort);
  }

  private void startPostgres(Path dataDir, int port) throws IOException {
    pgDir = dataDir;
    pgPort = port;
    pgUrl = "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
    if (listening(port)) {
      LOG.info("PostgreSQL already listening on {}; reusing it", port);
      return;
    }
    Files.createDirectories(dataDir);
    postgres = EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        .start();
    LOG.info("embedded PostgreSQL on 127.0.0.1:{} (data in {})", port, dataDir);
  }

  private void startRedis(Path dir, int port) throws IOException {
    redisDir = dir;
    redisPort = port;
    redisUrl = "redis://127.0.0.1:" + port;
    if (listening(port)) {
      LOG.info("Redis already listening on {}; reusing it", port);
      return;
    }
    Files.createDirectories(dir);
    redis = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dir.toAbsolutePath())
        // Kept on disk as a production Redis should be (append-only file, synced every second), so a
        // restart keeps the run logs, sequences and stage answers that replay and adoption rely on.
        .setting("save \"\"")
        .setting("appendonly yes")
        .setting("appendfsync everysec")
        .onShutdownForceStop(true)
        .build();
    redis.start();
    LOG.info("embedded Redis on 127.0.0.1:{}", port);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    try {
      if (redis != null) {
        redis.stop();
      }
    } catch (IOException e) {
      LOG.warn("stopping embedded Redis: {}", e.getMessage());
    }
    try {
      if (postgres != null) {
        postgres.close();
      }
    } catch (IOException e) {
      LOG.warn("stopping embedded PostgreSQL: {}", e.getMessage());
    }
    if (throwaway != null) {
      try (Stream<Path> paths = Files.walk(throwaway)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        LOG.warn("deleting {}: {}", throwaway, e.getMessage());
      }
    }
  }
}
