package apex.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON mapping for contract records: snake_case field names, nulls left out. Records
 * declare camelCase components; the schema and the wire use snake_case.
 *
 * <p>Each record's shape (its components, their wire names, accessors and canonical constructor)
 * is looked up once per class, and values go straight between the record and the {@link JsonObject}.
 * Reading is as lenient as JSON mappers usually are about scalars (a number given as a string, a
 * number or a boolean where text is expected, a fraction where a whole number is expected, which
 * is truncated) and strict about the rest: a missing or null primitive, an object where a scalar is
 * expected or a scalar where a list is expected is a {@link ContractException} naming the record
 * and the field. Unknown fields are ignored.
 */
public final class ContractJson {
  private ContractJson() {}

  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return Shape.of(type);
    }
  };

  public static JsonObject toJson(Object value) {
    if (!(value instanceof Record)) {
      throw new IllegalArgumentException("not a contract record: " + value);
    }
    return (JsonObject) write(value);
  }

  /** Reads a record; a shape that does not fit is a {@link ContractException} naming the type. */
  public static <T> T fromJson(JsonObject json, Class<T> type) {
    if (json == null) {
      throw new ContractException(type.getSimpleName() + ": body is missing");
    }
    try {
      return type.cast(readRecord(json, type));
    } catch (Mismatch e) {
      throw new ContractException(type.getSimpleName() + ": " + e.getMessage());
    }
  }

  private static Object write(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Record record) {
      Shape shape = SHAPES.get(record.getClass());
      Map<String, Object> fields = new LinkedHashMap<>(shape.fields.length * 2);
      for (Field field : shape.fields) {
        Object written = write(field.get(record));
        if (written != null) {
          fields.put(field.wire, written);
        }
      }
      return new JsonObject(fields);
    }
    if (value instanceof List<?> list) {
      List<Object> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(write(item));
      }
      return new JsonArray(items);
    }
    if (value instanceof JsonObject json) {
      return json.copy();
    }
    if (value instanceof JsonArray json) {
      return json.copy();
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
  }

  private static Object readRecord(JsonObject json, Class<?> type) {
    Shape shape = SHAPES.get(type);
    Object[] args = new Object[shape.fields.length];
    for (int i = 0; i < args.length; i++) {
      Field field = shape.fields[i];
      try {
        args[i] = read(json.getValue(field.wire), field.type);
      } catch (Mismatch e) {
        throw e.in(field.wire);
      }
    }
    try {
      return shape.constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new Mismatch(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object read(Object raw, Type target) {
    if (target instanceof ParameterizedType generic && generic.getRawType() == List.class) {
      if (raw == null) {
        return null;
      }
      if (!(raw instanceof JsonArray array)) {
        throw mismatch("a list", raw);
      }
      Type item = generic.getActualTypeArguments()[0];
      List<Object> items = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        try {
          items.add(read(array.getValue(i), item));
        } catch (Mismatch e) {
          throw e.at(i);
        }
      }
      return items;
    }
    Class<?> type = (Class<?>) target;
    if (raw == null) {
      if (type.isPrimitive()) {
        throw new Mismatch("missing (a " + type.getName() + " is required)");
      }
      return null;
    }
    if (type == String.class) {
      if (raw instanceof String || raw instanceof Number || raw instanceof Boolean) {
        return raw.toString();
      }
      throw mismatch("text", raw);
    }
    if (type == long.class || type == Long.class) {
      return number(raw).longValue();
    }
    if (type == int.class || type == Integer.class) {
      Number number = number(raw);
      if (number.longValue() < Integer.MIN_VALUE || number.longValue() > Integer.MAX_VALUE) {
        throw new Mismatch(raw + " is out of range");
      }
      return number.intValue();
    }
    if (type == double.class || type == Double.class) {
      return number(raw).doubleValue();
    }
    if (type == boolean.class || type == Boolean.class) {
      if (raw instanceof Boolean) {
        return raw;
      }
      if ("true".equals(raw) || "false".equals(raw)) {
        return Boolean.valueOf((String) raw);
      }
      throw mismatch("true or false", raw);
    }
    if (type == JsonObject.class || type.isRecord()) {
      if (!(raw instanceof JsonObject json)) {
        throw mismatch("an object", raw);
      }
      return type == JsonObject.class ? json : readRecord(json, type);
    }
    if (type == JsonArray.class) {
      if (!(raw instanceof JsonArray)) {
        throw mismatch("a list", raw);
      }
      return raw;
    }
    if (type.isEnum() && raw instanceof String name) {
      for (Object constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(name)) {
          return constant;
        }
      }
    }
    throw mismatch(type.getSimpleName(), raw);
  }

  private static Number number(Object raw) {
    if (raw instanceof Number number) {
      return number;
    }
    if (raw instanceof String text) {
      try {
        return text.contains(".") || text.contains("e") || text.contains("E")
            ? Double.valueOf(text.trim()) : Long.valueOf(text.trim());
      } catch (NumberFormatException e) {
        throw new Mismatch("\"" + text + "\" is not a number");
      }
    }
    throw mismatch("a number", raw);
  }

  private static Mismatch mismatch(String expected, Object raw) {
    String found = raw instanceof JsonObject ? "an object" : raw instanceof JsonArray ? "a list"
        : raw instanceof String ? "text" : raw.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    return new Mismatch("expected " + expected + ", found " + found);
  }

  /**
   * A value that does not fit, with the path to it ({@code window.days}, {@code roles[0]}) put
   * together on the way out, so reading a body that fits builds no path at all.
   */
  private static final class Mismatch extends RuntimeException {
    private final String path;
    private final String problem;

    Mismatch(String problem) {
      this("", problem);
    }

    private Mismatch(String path, String problem) {
      super(path.isEmpty() ? problem : path + ": " + problem, null, false, false);
      this.path = path;
      this.problem = problem;
    }

    Mismatch in(String field) {
      return new Mismatch(path.isEmpty() || path.startsWith("[") ? field + path : field + "." + path, problem);
    }

    Mismatch at(int index) {
      return new Mismatch("[" + index + "]" + (path.isEmpty() || path.startsWith("[") ? path : "." + path), problem);
    }
  }

  /** A record's components in declaration order, with the canonical constructor taking them. */
  private record Shape(Field[] fields, Constructor<?> constructor) {
    static Shape of(Class<?> type) {
      if (!type.isRecord()) {
        throw new IllegalArgumentException("not a contract record: " + type.getName());
      }
      RecordComponent[] components = type.getRecordComponents();
      Field[] fields = new Field[components.length];
      Class<?>[] parameters = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        Method accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        fields[i] = new Field(snakeCase(components[i].getName()), components[i].getGenericType(), accessor);
        parameters[i] = components[i].getType();
      }
      try {
        Constructor<?> constructor = type.getDeclaredConstructor(parameters);
        constructor.setAccessible(true);
        return new Shape(fields, constructor);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private record Field(String wire, Type type, Method accessor) {
    Object get(Object record) {
      try {
        return accessor.invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** {@code retryAfterMs} → {@code retry_after_ms}, as the schemas spell the fields. */
  static String snakeCase(String name) {
    StringBuilder wire = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          wire.append('_');
        }
        wire.append(Character.toLowerCase(c));
      } else {
        wire.append(c);
      }
    }
    return wire.toString();
  }
}
