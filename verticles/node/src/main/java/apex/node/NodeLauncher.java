package apex.node;

import apex.bridge.WsBridgeVerticle;
import apex.runtime.ApexVerticle;
import apex.runtime.cluster.VertxBootstrap;
import apex.runtime.config.ApexConfig;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.devservices.DevServices;
import apex.runtime.security.JwtKeys;
import io.vertx.core.DeploymentOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.PrometheusRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a node: embedded dev services when the profile asks for them and no URL is given, then
 * Vert.x (local or clustered), then the chosen verticles in order with N instances each, then (with
 * {@code metrics.port} set) the node's own {@code /metrics} and {@code /health}, for nodes without
 * the edge.
 */
public final class NodeLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);
  private static final int MAX_EVENT_LOOPS = 64;

  private NodeLauncher() {}

  /** A started node; {@link #close()} undeploys, leaves the cluster and stops what it started. */
  public record RunningNode(Vertx vertx, ApexConfig config, DevServices devServices, int httpPort) {
    public Future<Void> close() {
      return vertx.close().onComplete(v -> {
        if (devServices != null) {
          devServices.close();
        }
      });
    }
  }

  public static Future<RunningNode> start(ApexConfig config, List<Role> roles, int instances) {
    DevServices services;
    try {
      services = startDevServices(config);
    } catch (IOException e) {
      return Future.failedFuture(new UncheckedIOException("embedded services failed to start", e));
    }
    AtomicReference<WsBridgeVerticle> bridge = new AtomicReference<>();
    LOG.info("node {}: JWT key {} ({})", config.nodeId(), JwtKeys.fingerprint(config), JwtKeys.algorithm(config));
    return VertxBootstrap.start(config, eventLoops(roles.size() * instances))
        .compose(vertx -> deploy(vertx, config, roles, instances, bridge)
            .compose(v -> opsServer(vertx, config))
            .map(v -> new RunningNode(vertx, config, services, bridge.get() == null ? -1 : bridge.get().port()))
            .recover(e -> vertx.close().transform(x -> Future.failedFuture(e))))
        .onFailure(e -> {
          if (services != null) {
            services.close();
          }
        });
  }

  /**
   * Two event loops per verticle instance (at least Vert.x's two per core, at most 64), so each
   * instance, and the node's own contexts, get a loop of their own: one verticle's long turn (a
   * report being written) then never holds another's messages (a run's start) behind it on a shared
   * loop; the kernel shares the cores between the threads instead. On one node with every verticle
   * this took the p99 from a question to its first event from 41.4 to 22.7 ms (docs/BENCHMARKS.md).
   */
  static int eventLoops(int verticleInstances) {
    return Math.min(MAX_EVENT_LOOPS, Math.max(2 * Runtime.getRuntime().availableProcessors(), 2 * verticleInstances));
  }

  /** Embedded PostgreSQL and Redis when dev services are on and no URL is given; also used by the benchmarks. */
  static DevServices startDevServices(ApexConfig config) throws IOException {
    boolean missing = config.string("pg.url").isBlank() || config.string("redis.url").isBlank();
    if (!config.flag("dev_services.enabled") || !missing) {
      return null;
    }
    DevServices services = DevServices.start(Path.of(config.string("dev_services.dir")),
        config.integer("dev_services.pg_port"), config.integer("dev_services.redis_port"));
    JsonObject json = config.json();
    if (config.string("pg.url").isBlank()) {
      json.getJsonObject("pg").put("url", services.pgUrl());
    }
    if (config.string("redis.url").isBlank()) {
      json.getJsonObject("redis").put("url", services.redisUrl());
    }
    return services;
  }

  private static Future<Void> opsServer(Vertx vertx, ApexConfig config) {
    int port = config.integer("metrics.port");
    if (port == 0) {
      return Future.succeededFuture();
    }
    Handler<HttpServerRequest> metrics = ApexMetrics.of(vertx).registry() instanceof PrometheusMeterRegistry prometheus
        ? PrometheusRequestHandler.create(prometheus)
        : request -> request.response().setStatusCode(404).end("metrics are off on this node (metrics.enabled=false)\n");
    return vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/metrics" -> metrics.handle(request);
        case "/health" -> request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(port, config.string("http.host"))
        .onSuccess(s -> LOG.info("node {}: /metrics and /health on http://{}:{}", config.nodeId(),
            config.string("http.host"), s.actualPort()))
        .mapEmpty();
  }

  private static Future<Void> deploy(Vertx vertx, ApexConfig config, List<Role> roles, int instances,
                                     AtomicReference<WsBridgeVerticle> bridge) {
    Future<Void> chain = Future.succeededFuture();
    for (Role role : roles) {
      DeploymentOptions options = new DeploymentOptions().setConfig(config.json()).setInstances(instances);
      chain = chain.compose(v -> vertx.deployVerticle(() -> {
        ApexVerticle verticle = role.factory.get();
        if (verticle instanceof WsBridgeVerticle edge) {
          bridge.compareAndSet(null, edge);
        }
        return verticle;
      }, options).onSuccess(id -> LOG.info("deployed {} ×{}", role.label, instances)).mapEmpty());
    }
    return chain;
  }
}
