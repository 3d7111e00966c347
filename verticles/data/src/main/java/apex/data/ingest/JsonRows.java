package apex.data.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON array of objects or NDJSON into a {@link RowConverter}. Nested objects are flattened
 * to dotted paths ({@code usage.input}); arrays are dropped except for tag lists. Objects with the
 * same keys share one {@link ColumnMapping}.
 */
final class JsonRows {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RowConverter converter;
  private final Map<String, String> columns;
  private final Map<List<String>, ColumnMapping> mappings = new HashMap<>();
  private int rows;

  JsonRows(RowConverter converter, Map<String, String> columns) {
    this.converter = converter;
    this.columns = columns;
  }

  /** Rows are numbered by position in the array, from 1. */
  void readArray(Reader content) {
    try (JsonParser parser = MAPPER.createParser(content)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        converter.fileProblem("expected a JSON array of objects");
        return;
      }
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
        JsonNode node = parser.readValueAsTree();
        object(++rows, node);
      }
      finishRows();
    } catch (JsonProcessingException e) {
      // The parser cannot resynchronise inside an array: the rows before are kept, the rest is lost.
      converter.rowProblem(rows + 1, "invalid JSON at line " + e.getLocation().getLineNr() + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an upload's reader ends instead of failing
    }
  }

  /** Rows are numbered by line, from 1, so a problem points at the line to fix; blank lines are skipped. */
  void readLines(Reader content) {
    BufferedReader lines = new BufferedReader(content);
    int line = 0;
    try {
      for (String raw = lines.readLine(); raw != null; raw = lines.readLine()) {
        line++;
        String text = raw.strip();
        if (text.isEmpty()) {
          continue;
        }
        rows++;
        try {
          object(line, MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
          converter.rowProblem(line, "invalid JSON: " + e.getOriginalMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an upload's reader ends instead of failing
    }
    finishRows();
  }

  private void finishRows() {
    if (rows == 0) {
      converter.fileProblem("no data rows");
    }
  }

  private void object(int row, JsonNode node) {
    if (!node.isObject()) {
      converter.rowProblem(row, "not a JSON object but " + node.getNodeType().name().toLowerCase());
      return;
    }
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    flatten(node, "", keys, values);
    ColumnMapping mapping = mappings.computeIfAbsent(keys, k -> {
      ColumnMapping resolved = ColumnMapping.resolve(k);
      resolved.describeInto(columns);
      return resolved;
    });
    converter.convert(row, mapping, values.toArray(new String[0]));
  }

  private static void flatten(JsonNode node, String prefix, List<String> keys, List<String> values) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(value, path, keys, values);
      } else if (value.isArray()) {
        if (Field.LIST_ALIASES.contains(Field.normalise(path)) && !value.isEmpty() && value.get(0).isValueNode()) {
          keys.add(path);
          values.add(value.get(0).asText());
        }
      } else {
        keys.add(path);
        values.add(value.isNull() ? null : value.asText());
      }
    }
  }
}
