package apex.inspector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bridge's permissions from {@code inspector.inbound} (client → bus: send, publish) and
 * {@code inspector.outbound} (bus → client: register). Each names an address or an address regex,
 * the role a token needs for it, and, outbound, optionally the service name to announce in
 * discovery while a client is registered there (a stage served from outside the JVM).
 */
final class BridgePermissions {
  record Permission(String address, Pattern regex, String role, String announce) {
    boolean matches(String candidate) {
      return address != null ? address.equals(candidate) : regex.matcher(candidate).matches();
    }

    PermittedOptions options() {
      return address != null ? new PermittedOptions().setAddress(address) : new PermittedOptions().setAddressRegex(regex.pattern());
    }
  }

  private final List<Permission> inbound;
  private final List<Permission> outbound;

  BridgePermissions(JsonArray inbound, JsonArray outbound) {
    this.inbound = read(inbound);
    this.outbound = read(outbound);
  }

  private static List<Permission> read(JsonArray list) {
    return list.stream().map(JsonObject.class::cast).map(p -> new Permission(
        p.getString("address"),
        p.getString("address_regex") == null ? null : Pattern.compile(p.getString("address_regex")),
        p.getString("role"),
        p.getString("announce"))).toList();
  }

  /** The first permission for {@code address}: inbound for send and publish, outbound for register. */
  Optional<Permission> find(boolean inboundDirection, String address) {
    return (inboundDirection ? inbound : outbound).stream().filter(p -> p.matches(address)).findFirst();
  }

  /** The same lists for the bridge itself, which checks them again after the gate. */
  BridgeOptions bridgeOptions() {
    BridgeOptions options = new BridgeOptions();
    inbound.forEach(p -> options.addInboundPermitted(p.options()));
    outbound.forEach(p -> options.addOutboundPermitted(p.options()));
    return options;
  }
}
