package apex.data.ingest;

import apex.data.usage.CostFunction;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an uploaded usage export (our CSV, LiteLLM, Helicone, Langfuse, OpenAI usage, Anthropic…)
 * into {@link apex.data.usage.UsageRecord}s. Pure and blocking: call it on a worker thread. Column
 * names, units and token conventions are documented in docs/USAGE-FORMATS.md.
 */
public final class UsageFileParser {

  private static final char BOM = '\uFEFF';

  private final CostFunction cost;

  /** {@code cost} prices rows whose file has no cost; it returns null for models it does not know. */
  public UsageFileParser(CostFunction cost) {
    this.cost = cost;
  }

  /**
   * @param content     the whole file as text
   * @param contentType a MIME type, or null
   * @param filename    the uploaded file's name, or null
   */
  public ParsedUpload parse(String content, String contentType, String filename) {
    String text = content == null ? "" : content;
    if (!text.isEmpty() && text.charAt(0) == BOM) {
      text = text.substring(1);
    }
    UploadFormat format = UploadFormat.detect(contentType, filename, text);
    RowConverter converter = new RowConverter(cost, Instant.now());
    Map<String, String> columns = new LinkedHashMap<>();
    if (text.isBlank()) {
      converter.fileProblem("the file is empty");
    } else if (format == UploadFormat.CSV) {
      CsvRows.read(text, converter, columns);
    } else if (format == UploadFormat.JSON) {
      new JsonRows(converter, columns).readArray(text);
    } else {
      new JsonRows(converter, columns).readLines(text);
    }
    return converter.finish(format.id, columns);
  }
}
