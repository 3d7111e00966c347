package apex.runtime.cluster;

import apex.runtime.config.ApexConfig;
import apex.runtime.node.NodeAgent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Creates the node's Vert.x: a local event bus, or one clustered through Hazelcast with TCP-IP join
 * on the configured member list (loopback by default) and multicast off. The same verticles run on
 * either. Every node gets its {@link NodeAgent} (node info and the tap).
 */
public final class VertxBootstrap {
  private VertxBootstrap() {}

  public static Future<Vertx> start(ApexConfig config) {
    return create(config).compose(vertx -> NodeAgent.install(vertx, config).map(vertx));
  }

  private static Future<Vertx> create(ApexConfig config) {
    VertxOptions options = new VertxOptions();
    if (!config.flag("cluster.enabled")) {
      return Future.succeededFuture(Vertx.vertx(options));
    }
    String host = config.string("cluster.host");
    options.getEventBusOptions()
        .setHost(host)
        .setPort(config.integer("cluster.eventbus_port"))
        .setClusterPublicHost(host);
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast(config)))
        .buildClustered();
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
    hz.getNetworkConfig().setPort(config.integer("cluster.port")).setPortAutoIncrement(true);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(config.string("cluster.host"));
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.strings("cluster.members"));
    return hz;
  }
}
