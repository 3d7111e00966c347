package apex.data.ingest;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** Streams a CSV upload with a header row into a {@link RowConverter}; the header is mapped once. */
final class CsvRows {

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
      .setIgnoreEmptyLines(true)
      .setTrim(true)
      .get();

  private CsvRows() {}

  static void read(Reader content, RowConverter converter, Map<String, String> columns) {
    try (CSVParser parser = CSVParser.parse(content, FORMAT)) {
      Iterator<CSVRecord> rows = parser.iterator();
      if (!rows.hasNext()) {
        converter.fileProblem("the file is empty");
        return;
      }
      CSVRecord header = rows.next();
      ColumnMapping mapping = ColumnMapping.resolve(header.toList());
      mapping.describeInto(columns);
      if (!hasRequiredColumns(mapping, converter)) {
        return;
      }
      readRows(rows, header.size(), mapping, converter);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // closing an upload's reader does not fail
    } catch (UncheckedIOException | IllegalStateException e) {
      // commons-csv reports malformed quoting (an unclosed quote, text after a closing one) this way.
      converter.fileProblem("not valid CSV: " + e.getMessage());
    }
  }

  private static void readRows(Iterator<CSVRecord> rows, int width, ColumnMapping mapping, RowConverter converter) {
    int row = 0;
    while (rows.hasNext()) {
      CSVRecord record = rows.next();
      row++;
      if (record.size() != width) {
        converter.rowProblem(row, "has " + record.size() + " fields, the header has " + width);
      } else {
        converter.convert(row, mapping, record.values());
      }
    }
    if (row == 0) {
      converter.fileProblem("no data rows, only a header");
    }
  }

  /** Without a timestamp or a model column every row would fail; say so once. */
  private static boolean hasRequiredColumns(ColumnMapping mapping, RowConverter converter) {
    boolean ok = true;
    for (Field field : new Field[] {Field.TS, Field.MODEL}) {
      if (!mapping.has(field)) {
        converter.fileProblem("no " + field.column + " column; expected one named like " + field.aliases);
        ok = false;
      }
    }
    return ok;
  }
}
