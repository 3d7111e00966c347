package apex.data.ingest;

import apex.data.usage.CostFunction;
import apex.data.usage.UsageRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads an uploaded usage export (our CSV, LiteLLM, Helicone, Langfuse, OpenAI usage, Anthropic…)
 * into {@link UsageRecord}s, streaming: each record goes to the sink as soon as its row is read, so
 * a file of any size is never held whole. Blocking: call it on a worker thread. Column names, units
 * and token conventions are documented in docs/USAGE-FORMATS.md.
 */
public final class UsageFileParser {

  private static final int BOM = '\uFEFF';
  private static final int READ_BUFFER = 64 * 1024;

  private final CostFunction cost;

  /** {@code cost} prices rows whose file has no cost; it returns null for models it does not know. */
  public UsageFileParser(CostFunction cost) {
    this.cost = cost;
  }

  /**
   * @param content     the file as UTF-8 text; read to its end, not closed
   * @param contentType a MIME type, or null
   * @param filename    the uploaded file's name, or null
   * @param sink        receives every valid record in file order, until the first problem
   */
  public ParsedUpload parse(Reader content, String contentType, String filename, Consumer<UsageRecord> sink) {
    RowConverter converter = new RowConverter(cost, Instant.now(), sink);
    Map<String, String> columns = new LinkedHashMap<>();
    try {
      BufferedReader in = new BufferedReader(content, READ_BUFFER);
      StringBuilder lead = new StringBuilder();
      int first = in.read();
      if (first == BOM) {
        first = in.read();
      }
      while (first >= 0 && Character.isWhitespace(first)) {
        lead.append((char) first);
        first = in.read();
      }
      UploadFormat format = UploadFormat.detect(contentType, filename, first < 0 ? 0 : (char) first);
      if (first < 0) {
        converter.fileProblem("the file is empty");
        return converter.finish(format.id, columns);
      }
      // The blank lead is given back: NDJSON numbers its lines from the top of the file.
      lead.append((char) first);
      PushbackReader text = new PushbackReader(in, lead.length());
      text.unread(lead.toString().toCharArray());
      read(format, text, converter, columns);
      return converter.finish(format.id, columns);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void read(UploadFormat format, Reader text, RowConverter converter, Map<String, String> columns) {
    if (format == UploadFormat.CSV) {
      CsvRows.read(text, converter, columns);
    } else if (format == UploadFormat.JSON) {
      new JsonRows(converter, columns).readArray(text);
    } else {
      new JsonRows(converter, columns).readLines(text);
    }
  }
}
