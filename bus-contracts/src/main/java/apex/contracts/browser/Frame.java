package apex.contracts.browser;

import apex.contracts.Contract;
import apex.contracts.ContractJson;
import io.vertx.core.json.JsonObject;

/** A WebSocket frame: its record's fields plus a {@code type}. */
public interface Frame extends Contract {
  String frameType();

  @Override
  default JsonObject toJson() {
    return new JsonObject().put("type", frameType()).mergeIn(ContractJson.toJson(this));
  }
}
