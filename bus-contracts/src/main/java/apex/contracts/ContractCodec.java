package apex.contracts;

import apex.contracts.stage.StageRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Sends a contract record over the event bus as itself. Within a JVM the record is handed over as
 * it is (records are immutable): no JSON is written, copied or read. Between nodes it travels as
 * its JSON ({@link ContractJson}, the same text the contract's schema describes) and is read back
 * into the record on arrival. Registered for {@link #TYPES} on every node ({@link #register}).
 */
public final class ContractCodec<T extends Contract> implements MessageCodec<T, T> {
  /** The records sent as themselves: stage requests, which carry the earlier stages' answers. */
  public static final List<Class<? extends Contract>> TYPES = List.of(StageRequest.class);

  private final Class<T> type;

  ContractCodec(Class<T> type) {
    this.type = type;
  }

  /** Makes each of {@link #TYPES} the default codec of its class on this event bus. */
  public static void register(EventBus bus) {
    TYPES.forEach(type -> registerOne(bus, type));
  }

  private static <T extends Contract> void registerOne(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new ContractCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = value.toJson().toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return ContractJson.fromJson(new JsonObject(buffer.slice(pos + 4, pos + 4 + length)), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "apex-contract-" + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
