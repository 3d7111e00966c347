package apex.runtime.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes "who serves what, where, which version" for one verticle instance, and withdraws it on
 * stop. The bus routes by address; these records only answer readiness and inspection questions.
 */
public final class ServiceAnnouncer {
  public static final String TYPE = "apex-eventbus";
  public static final String CONTRACT_VERSION = "1";
  public static final String VERSION = "0.1.0";

  private final ServiceDiscovery discovery;
  private final String nodeId;
  private final String keyFingerprint;
  private final List<String> registrations = new ArrayList<>();

  public ServiceAnnouncer(Vertx vertx, String nodeId, String keyFingerprint) {
    this.discovery = ServiceDiscovery.create(vertx);
    this.nodeId = nodeId;
    this.keyFingerprint = keyFingerprint;
  }

  public Future<Void> announce(String name, String address) {
    return announce(name, address, new JsonObject()).mapEmpty();
  }

  /** A record with more metadata (e.g. a participant served through the bridge); answers its registration. */
  public Future<String> announce(String name, String address, JsonObject extraMetadata) {
    Record record = new Record()
        .setName(name)
        .setType(TYPE)
        .setLocation(new JsonObject().put("endpoint", address))
        .setMetadata(new JsonObject()
            .put("node_id", nodeId)
            .put("version", VERSION)
            .put("contract_version", CONTRACT_VERSION)
            .put("jwt_key_fingerprint", keyFingerprint)
            .mergeIn(extraMetadata));
    return discovery.publish(record).map(published -> {
      registrations.add(published.getRegistration());
      return published.getRegistration();
    });
  }

  public Future<Void> withdraw(String registration) {
    registrations.remove(registration);
    return discovery.unpublish(registration);
  }

  public Future<Void> withdrawAll() {
    List<Future<Void>> withdrawals = registrations.stream().map(discovery::unpublish).toList();
    return Future.join(withdrawals).<Void>mapEmpty().onComplete(done -> {
      registrations.clear();
      discovery.close();
    });
  }
}
