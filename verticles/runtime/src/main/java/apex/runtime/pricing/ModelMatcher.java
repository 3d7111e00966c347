package apex.runtime.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Compiles a snapshot {@code match} tree ({@code equals}, {@code starts_with}, {@code ends_with},
 * {@code contains}, {@code regex}, {@code or}, {@code and}) into a test on a model name. Matching is
 * case-insensitive: callers pass the name lower-cased and literals are lower-cased here.
 */
final class ModelMatcher {
  private ModelMatcher() {}

  static Predicate<String> compile(JsonObject clause) {
    if (clause.size() != 1) {
      throw new IllegalArgumentException("a match clause has exactly one key: " + clause.encode());
    }
    String kind = clause.fieldNames().iterator().next();
    Object operand = clause.getValue(kind);
    return switch (kind) {
      case "or" -> anyOf(children((JsonArray) operand));
      case "and" -> allOf(children((JsonArray) operand));
      case "regex" -> Pattern.compile((String) operand, Pattern.CASE_INSENSITIVE).asPredicate();
      case "equals" -> lowerCase(operand)::equals;
      case "starts_with" -> startsWith(lowerCase(operand));
      case "ends_with" -> endsWith(lowerCase(operand));
      case "contains" -> contains(lowerCase(operand));
      default -> throw new IllegalArgumentException("unknown match clause: " + kind);
    };
  }

  private static String lowerCase(Object literal) {
    return ((String) literal).toLowerCase(Locale.ROOT);
  }

  private static Predicate<String> startsWith(String prefix) {
    return name -> name.startsWith(prefix);
  }

  private static Predicate<String> endsWith(String suffix) {
    return name -> name.endsWith(suffix);
  }

  private static Predicate<String> contains(String part) {
    return name -> name.contains(part);
  }

  private static List<Predicate<String>> children(JsonArray clauses) {
    return clauses.stream().map(c -> compile((JsonObject) c)).toList();
  }

  private static Predicate<String> anyOf(List<Predicate<String>> tests) {
    return name -> tests.stream().anyMatch(t -> t.test(name));
  }

  private static Predicate<String> allOf(List<Predicate<String>> tests) {
    return name -> tests.stream().allMatch(t -> t.test(name));
  }
}
