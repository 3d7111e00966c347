package apex.runtime.cluster;

import apex.contracts.ContractCodec;
import apex.runtime.config.ApexConfig;
import apex.runtime.metrics.ApexMetrics;
import apex.runtime.node.NodeAgent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Creates the node's Vert.x: a local event bus, or one clustered through Hazelcast with TCP-IP join
 * on the configured member list (loopback by default) or Kubernetes discovery, multicast off. The
 * same verticles run on either. Every node gets its {@link NodeAgent} (node info and the tap). With
 * {@code metrics.enabled} it carries a Prometheus registry of its own (Vert.x's event bus, HTTP and
 * pool meters, and {@link ApexMetrics}), served at {@code /metrics}.
 */
public final class VertxBootstrap {
  private VertxBootstrap() {}

  /** A node's Vert.x with {@code eventLoops} event-loop threads (0: Vert.x's default, two per core). */
  public static Future<Vertx> start(ApexConfig config, int eventLoops) {
    return create(config, eventLoops).compose(vertx -> NodeAgent.install(vertx, config).map(vertx));
  }

  private static Future<Vertx> create(ApexConfig config, int eventLoops) {
    VertxOptions options = new VertxOptions();
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    VertxBuilder builder = Vertx.builder();
    PrometheusMeterRegistry registry = null;
    if (config.flag("metrics.enabled")) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // One registry per node, named after it: several nodes in one JVM (tests) keep their own meters.
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setRegistryName(config.nodeId())
          .addLabels(Label.EB_ADDRESS, Label.HTTP_ROUTE)
          // Apex's addresses only: reply addresses are one per request and would grow the series without bound.
          .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
              .setType(MatchType.REGEX).setValue("apex\\..*")));
      builder.withMetrics(new MicrometerMetricsFactory(registry));
    }
    PrometheusMeterRegistry meters = registry;
    if (!config.flag("cluster.enabled")) {
      return Future.succeededFuture(bind(builder.with(options).build(), meters));
    }
    String host = config.string("cluster.host");
    options.getEventBusOptions()
        .setHost(host)
        .setPort(config.integer("cluster.eventbus_port"))
        .setClusterPublicHost(host);
    return builder
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast(config)))
        .buildClustered()
        .map(vertx -> bind(vertx, meters));
  }

  private static Vertx bind(Vertx vertx, PrometheusMeterRegistry registry) {
    ContractCodec.register(vertx.eventBus());
    ClusterNodes.watchDepartures(vertx);
    if (registry != null) {
      ApexMetrics.bind(vertx, registry);
    }
    return vertx;
  }

  static Config hazelcast(ApexConfig config) {
    // Start from vertx-hazelcast's defaults: they configure the maps and multimaps the event bus needs.
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.string("cluster.name"));
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // A killed node must be noticed within seconds, not the default minute.
    String heartbeat = String.valueOf(config.integer("cluster.heartbeat_timeout_seconds"));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", heartbeat);
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // A lite member (an edge node) takes part in the cluster but holds no partition of its maps, so
    // stopping it never moves cluster data.
    hz.setLiteMember(config.flag("cluster.lite_member"));
    hz.getNetworkConfig().setPort(config.integer("cluster.port")).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(config.string("cluster.host"));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (config.flag("cluster.kubernetes.enabled")) {
      // Hazelcast's built-in Kubernetes discovery: the members are the ready endpoints of a headless service.
      var kubernetes = join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-name", config.string("cluster.kubernetes.service_name"))
          .setProperty("service-port", String.valueOf(config.integer("cluster.port")));
      // Blank: the pod's own namespace, read from its service account.
      if (!config.string("cluster.kubernetes.namespace").isBlank()) {
        kubernetes.setProperty("namespace", config.string("cluster.kubernetes.namespace"));
      }
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(config.strings("cluster.members"));
    }
    return hz;
  }
}
