package apex.data.ingest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/USAGE-FORMATS.md lists exactly the aliases the parser knows, in the order they win. */
class UsageFormatsDocTest {

  private static final Path DOC = Path.of("../../docs/USAGE-FORMATS.md");
  private static final Pattern ALIAS_ROW = Pattern.compile("^\\| ([a-z_]+) \\| `([a-z0-9]+)` \\|", Pattern.MULTILINE);

  @Test
  void aliasTableMatchesTheFields() throws IOException {
    List<String> documented = new ArrayList<>();
    Matcher row = ALIAS_ROW.matcher(Files.readString(DOC));
    while (row.find()) {
      documented.add(row.group(1) + " " + row.group(2));
    }
    List<String> known = new ArrayList<>();
    for (Field field : Field.values()) {
      field.aliases.forEach(alias -> known.add(field.column + " " + alias));
    }
    assertEquals(known, documented);
  }

  @Test
  void fieldsAreTheCanonicalNamesAnUploadRecords() {
    assertEquals(apex.data.usage.UsageRecord.FIELDS, java.util.Arrays.stream(Field.values()).map(f -> f.column).toList());
  }
}
