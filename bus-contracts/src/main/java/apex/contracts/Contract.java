package apex.contracts;

import io.vertx.core.json.JsonObject;

/** A message of the mesh: a record whose JSON form is its contract. */
public interface Contract {
  default JsonObject toJson() {
    return ContractJson.toJson(this);
  }
}
