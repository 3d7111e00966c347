package apex.data.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which column of a row holds each {@link Field}, resolved once per header (CSV) or per set of keys
 * (JSON) so rows are read by index without looking names up again.
 */
final class ColumnMapping {

  private static final int FIELDS = Field.values().length;

  private final List<String> sourceNames;
  private final int[] index = new int[FIELDS];
  private final String[] alias = new String[FIELDS];
  private boolean anthropicCacheColumns;
  private boolean canonicalCacheColumns;

  private ColumnMapping(List<String> sourceNames) {
    this.sourceNames = sourceNames;
    Arrays.fill(index, -1);
  }

  static ColumnMapping resolve(List<String> sourceNames) {
    ColumnMapping mapping = new ColumnMapping(sourceNames);
    for (int i = 0; i < sourceNames.size(); i++) {
      String normalised = Field.normalise(sourceNames.get(i));
      Field field = Field.forAlias(normalised);
      if (field == null) {
        continue;
      }
      String current = mapping.alias[field.ordinal()];
      if (current == null || Field.rank(normalised) < Field.rank(current)) {
        mapping.index[field.ordinal()] = i;
        mapping.alias[field.ordinal()] = normalised;
      }
    }
    String cached = mapping.alias(Field.CACHED_INPUT_TOKENS);
    String cacheWrite = mapping.alias(Field.CACHE_WRITE_TOKENS);
    mapping.anthropicCacheColumns = Field.ANTHROPIC_CACHE_ALIASES.contains(String.valueOf(cached))
        || Field.ANTHROPIC_CACHE_ALIASES.contains(String.valueOf(cacheWrite));
    mapping.canonicalCacheColumns = "cachedinputtokens".equals(cached) || "cachewritetokens".equals(cacheWrite);
    return mapping;
  }

  boolean has(Field field) {
    return index[field.ordinal()] >= 0;
  }

  /** The column index of the field, or -1. */
  int index(Field field) {
    return index[field.ordinal()];
  }

  /** The normalised alias the field was found under, or null. */
  String alias(Field field) {
    return alias[field.ordinal()];
  }

  /** The column as the file names it, or null when the field is absent. */
  String source(Field field) {
    int i = index[field.ordinal()];
    return i < 0 ? null : sourceNames.get(i);
  }

  boolean hasAnthropicCacheColumns() {
    return anthropicCacheColumns;
  }

  /** Our own column names, which are already in {@code UsageRecord}'s token convention. */
  boolean hasCanonicalCacheColumns() {
    return canonicalCacheColumns;
  }

  /** Adds source column → field for every field found, keeping entries already there. */
  void describeInto(Map<String, String> columns) {
    for (Field field : Field.values()) {
      if (has(field)) {
        columns.putIfAbsent(source(field), field.column);
      }
    }
  }
}
